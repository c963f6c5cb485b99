// The operators' console: live updates and actions over the /operator namespace.
// Pages are rendered by the server (chatdesk/web/templates/console); this script makes them
// live. Everything people wrote is inserted with textContent, never as HTML.
import { setupAlerts } from "./alerts";
import { $ } from "./common";
import { setupConversation } from "./conversation";
import { setupHeader } from "./header";
import { setupKeys } from "./keys";
import { setupLists } from "./lists";

const inbox = $<HTMLElement>("section.inbox");
const view = $<HTMLElement>("section.conversation");
setupHeader();
setupAlerts();
if (inbox) setupLists(inbox);
if (view) setupConversation(view);
setupKeys(inbox, view);
