// The operators' console: live updates and actions over the /operator namespace.
// Pages are rendered by the server (chatdesk/web/templates/console); this script makes them
// live. Everything people wrote is inserted with textContent, never as HTML.
import { setupAlerts } from "./alerts";
import { $, localizeTimes } from "./common";
import { setupConversation } from "./conversation";
import { forgetDraftsAtLogout, pruneDrafts } from "./drafts";
import { setupGaps } from "./gaps";
import { setupHeader } from "./header";
import { setupKeys } from "./keys";
import { setupLists } from "./lists";
import { setupTicketList } from "./ticketlist";
import { setupTicketPage } from "./ticketpage";

const inbox = $<HTMLElement>("section.inbox");
const view = $<HTMLElement>("section.conversation");
const tickets = $<HTMLElement>("section.tickets");
const ticket = $<HTMLElement>("section.ticketpage");
setupHeader();
setupAlerts();
pruneDrafts();
forgetDraftsAtLogout();
if (inbox) setupLists(inbox);
if (view) setupConversation(view);
if (tickets) setupTicketList(tickets);
if (ticket) setupTicketPage(ticket);
// The E-mail page's times (failed mails, bounces), the audit log's, the webhooks page's,
// the block list's and the requesters' pages', in the operator's time zone.
const mailpage = $<HTMLElement>(
  "section.mailpage, section.auditpage, section.hookspage, section.blockedpage, " +
    "section.directory, section.requester-page",
);
if (mailpage) localizeTimes(mailpage);
const gaps = $<HTMLElement>("section.gaps");
if (gaps) setupGaps(gaps);
setupKeys(inbox, view);
