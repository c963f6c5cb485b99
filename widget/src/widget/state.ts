// The widget's one state and its explicit transitions: every change is an action given to
// `reduce`, a pure function. Views subscribe to the store and draw what they show from it;
// the controller (connection, requests, storage) dispatches what happened.

import type { Lang } from "./i18n";
import {
  BotIntro,
  ConversationState,
  Desk,
  LangSource,
  readState,
  ServerMessage,
  ServiceNotice,
} from "./protocol";
import {
  addPending,
  Delivery,
  Items,
  mergeServer,
  PendingRecord,
  setDelivery,
  dropPending,
} from "./thread";

export type Phase = "idle" | "connecting" | "ready" | "lost" | "forgotten" | "blocked";
/** What covers the conversation: the offline form, the transcript's address, Forget me,
 * "forgotten", or "blocked". */
export type Screen = null | "contact" | "transcript" | "forget" | "forgotten" | "blocked";
/** Who is shown typing: the operator (their `typing` events) or the bot preparing an answer. */
export type Typist = "operator" | "bot";

export interface WidgetState {
  readonly phase: Phase;
  readonly wanted: boolean; // the visitor gave consent: stay connected
  readonly online: boolean; // what the browser says about the network
  readonly lostBanner: boolean; // lost long enough to say so
  readonly open: boolean;
  readonly lang: Lang; // the UI's (and the conversation's) language
  readonly langSource: LangSource; // where `lang` came from, sent as `auth.lang_source`
  readonly chosenLang: Lang | null; // the visitor's own choice in the menu (kept)
  readonly token: string | null; // the token to connect with (kept)
  readonly sessionToken: string | null; // the token of the conversation shown
  readonly historyLoaded: boolean;
  readonly bot: BotIntro | null;
  readonly botName: string | null; // signs old bot messages once the bot has handed over
  readonly desk: Desk | null;
  readonly conv: ConversationState;
  readonly items: Items;
  readonly readSeq: number; // the highest seq seen with the panel open (any tab)
  readonly seenSeq: number; // the highest seq the operator who has the chat has seen
  readonly rated: Readonly<Record<string, boolean>>; // 👍/👎 given, by message id
  readonly typing: Typist | null; // who is shown typing
  readonly thinkingAfter: number | null; // the bot answers the visitor's message of this seq
  readonly contactDone: string | null; // the e-mail address given in the offline form
  readonly ratingDone: boolean;
  readonly screen: Screen;
  readonly options: boolean;
  readonly notice: string;
  readonly notices: readonly ServiceNotice[]; // service notices showing now
  readonly dismissed: readonly string[]; // notices the visitor closed (kept, the last 20)
  readonly prompt: string | null; // the site's invitation beside the launcher (not kept)
  readonly promptDone: boolean; // opened or dismissed on this page: no invitation any more
}

/** Service notices a visitor closed that the widget remembers (the newest). */
export const DISMISSED_MAX = 20;

/** What the widget keeps in localStorage (storage.ts), read back at start. */
export interface Kept {
  token: string | null;
  read_seq: number;
  lang: Lang | null;
  pending: PendingRecord[];
  rated: Record<string, boolean>;
  bot_name: string | null;
  dismissed: string[];
}

export type Action =
  | { type: "open"; open: boolean }
  | { type: "connect" }
  | { type: "network"; online: boolean }
  | { type: "lost" }
  | { type: "lostBanner" }
  | {
      type: "session";
      token: string;
      bot: BotIntro | null;
      desk: Desk | null;
      conv: ConversationState;
      lang: Lang | null;
    }
  | { type: "invalidToken" }
  | { type: "newToken" } // another tab started another conversation: follow it
  | { type: "historyLoaded" }
  | { type: "message"; message: ServerMessage; acked?: boolean }
  | { type: "messages"; messages: ServerMessage[] } // a page of history
  | { type: "pending"; record: PendingRecord }
  | { type: "delivery"; clientId: string; delivery: Delivery; error: string | null }
  | { type: "unpend"; clientId: string }
  | { type: "state"; conv: ConversationState }
  | { type: "desk"; desk: Desk }
  | { type: "typing"; who: Typist | null }
  | { type: "thinkingOver" }
  | { type: "lang"; lang: Lang; source?: LangSource; bot?: BotIntro | null }
  | { type: "read"; seq: number }
  | { type: "seen"; seq: number }
  | { type: "rated"; id: string; useful: boolean | null }
  | { type: "contactDone"; email: string }
  | { type: "ratingDone" }
  | { type: "screen"; screen: Screen }
  | { type: "options"; open: boolean }
  | { type: "notice"; text: string }
  | { type: "notices"; notices: ServiceNotice[]; replace: boolean }
  | { type: "dismissNotice"; id: string }
  | { type: "prompt"; text: string | null }
  | { type: "forgotten" }
  | { type: "blocked" }
  | { type: "stored"; kept: Kept };

export function initialState(lang: Lang, langSource: LangSource, kept: Kept): WidgetState {
  let items: Items = [];
  for (const record of kept.pending) items = addPending(items, record);
  return {
    phase: "idle",
    wanted: false,
    online: true,
    lostBanner: false,
    open: false,
    lang,
    langSource,
    chosenLang: kept.lang,
    token: kept.token,
    sessionToken: null,
    historyLoaded: false,
    bot: null,
    botName: kept.bot_name,
    desk: null,
    conv: readState(null),
    items,
    readSeq: kept.read_seq,
    seenSeq: 0,
    rated: kept.rated,
    typing: null,
    thinkingAfter: null,
    contactDone: null,
    ratingDone: false,
    screen: null,
    options: false,
    notice: "",
    notices: [],
    dismissed: kept.dismissed,
    prompt: null,
    promptDone: false,
  };
}

/** A new conversation: drop what was shown, keep the messages not sent yet. */
function newConversation(s: WidgetState): WidgetState {
  return {
    ...s,
    historyLoaded: false,
    items: s.items.filter((i) => i.seq === null),
    seenSeq: 0,
    contactDone: null,
    ratingDone: false,
    screen: s.screen === "contact" ? null : s.screen,
    typing: null,
    thinkingAfter: null,
  };
}

function merged(s: WidgetState, message: ServerMessage, acked: boolean): WidgetState {
  const items = mergeServer(s.items, message);
  if (items === null) return s;
  let { typing, thinkingAfter } = s;
  if (message.author === "operator") typing = null;
  if (message.author === "bot" && thinkingAfter !== null && message.seq > thinkingAfter) {
    typing = thinkingAfter = null;
  }
  if (acked && s.conv.mode === "bot" && s.bot) {
    // The desk stored the visitor's message: the bot types its answer (unless it came).
    const answered = items.some((i) => i.author === "bot" && i.seq !== null && i.seq > message.seq);
    if (!answered) {
      thinkingAfter = message.seq;
      typing = "bot";
    }
  }
  return { ...s, items, typing, thinkingAfter };
}

export function reduce(s: WidgetState, a: Action): WidgetState {
  switch (a.type) {
    case "open": {
      // Opened once on this page: the site's invitation has done its work.
      const done = s.promptDone || a.open;
      const prompt = done ? null : s.prompt;
      return { ...s, open: a.open, options: a.open && s.options, promptDone: done, prompt };
    }
    case "prompt":
      // Shown while the panel never opened on this page; null: dismissed for good.
      if (a.text === null) return { ...s, prompt: null, promptDone: true };
      return s.promptDone || s.open ? s : { ...s, prompt: a.text };
    case "connect":
      return {
        ...s,
        wanted: true,
        phase: s.phase === "idle" || s.phase === "forgotten" ? "connecting" : s.phase,
        screen: s.screen === "forgotten" ? null : s.screen,
      };
    case "network":
      return { ...s, online: a.online, phase: !a.online && s.phase === "ready" ? "lost" : s.phase };
    case "lost":
      if (s.phase === "forgotten" || s.phase === "blocked" || !s.wanted) return s;
      return { ...s, phase: "lost", typing: null, thinkingAfter: null };
    case "lostBanner":
      return { ...s, lostBanner: s.phase === "lost" };
    case "session": {
      const base = s.sessionToken !== null && s.sessionToken !== a.token ? newConversation(s) : s;
      return {
        ...base,
        phase: "ready",
        lostBanner: false,
        token: a.token,
        sessionToken: a.token,
        bot: a.bot,
        botName: a.bot ? a.bot.name : s.botName,
        desk: a.desk || s.desk,
        conv: a.conv,
        lang: a.lang || s.lang,
        thinkingAfter: a.conv.mode === "bot" ? base.thinkingAfter : null,
      };
    }
    case "invalidToken":
      return { ...newConversation(s), token: null, sessionToken: null, readSeq: 0 };
    case "newToken":
      return { ...newConversation(s), sessionToken: null };
    case "historyLoaded":
      return { ...s, historyLoaded: true };
    case "message":
      return merged(s, a.message, a.acked === true);
    case "messages":
      return a.messages.reduce((acc, message) => merged(acc, message, false), s);
    case "pending":
      return { ...s, items: addPending(s.items, a.record) };
    case "delivery":
      return { ...s, items: setDelivery(s.items, a.clientId, a.delivery, a.error) };
    case "unpend":
      return { ...s, items: dropPending(s.items, a.clientId) };
    case "state":
      return {
        ...s,
        conv: a.conv,
        thinkingAfter: a.conv.mode === "bot" ? s.thinkingAfter : null,
        typing: a.conv.mode === "bot" || s.thinkingAfter === null ? s.typing : null,
        ratingDone: a.conv.rating_requested ? s.ratingDone : false,
      };
    case "desk":
      return { ...s, desk: a.desk };
    case "typing":
      return { ...s, typing: a.who };
    case "thinkingOver":
      return s.thinkingAfter === null ? s : { ...s, thinkingAfter: null, typing: null };
    case "lang":
      return {
        ...s,
        lang: a.lang,
        langSource: a.source || s.langSource,
        chosenLang: a.source === "visitor" ? a.lang : s.chosenLang,
        bot: a.bot !== undefined ? a.bot : s.bot,
      };
    case "read":
      return a.seq > s.readSeq ? { ...s, readSeq: a.seq } : s;
    case "seen":
      return a.seq > s.seenSeq ? { ...s, seenSeq: a.seq } : s;
    case "rated": {
      const rated = { ...s.rated };
      if (a.useful === null) delete rated[a.id];
      else rated[a.id] = a.useful;
      return { ...s, rated };
    }
    case "contactDone":
      return { ...s, contactDone: a.email, screen: s.screen === "contact" ? null : s.screen };
    case "ratingDone":
      return { ...s, ratingDone: true };
    case "screen":
      return { ...s, screen: a.screen, options: false };
    case "options":
      return { ...s, options: a.open };
    case "notice":
      return { ...s, notice: a.text };
    case "notices": {
      // A session brings the whole list; a `notices` event adds (or replaces by id).
      const kept = a.replace ? [] : s.notices.filter((n) => !a.notices.some((m) => m.id === n.id));
      return { ...s, notices: [...kept, ...a.notices] };
    }
    case "dismissNotice":
      // The last ones only: a notice ends by itself, and the stored entry stays small.
      return {
        ...s,
        dismissed: [...s.dismissed.filter((id) => id !== a.id), a.id].slice(-DISMISSED_MAX),
      };
    case "blocked":
      // An operator blocked this visitor: the chat closes (the token is kept, so that
      // coming back is refused too until the block ends).
      return { ...s, phase: "blocked", screen: "blocked", typing: null, thinkingAfter: null };
    case "forgotten":
      return {
        ...initialState(s.lang, s.langSource, emptyKept()),
        open: s.open,
        online: s.online,
        phase: "forgotten",
        screen: "forgotten",
      };
    case "stored":
      return {
        ...s,
        token: a.kept.token,
        readSeq: Math.max(s.readSeq, a.kept.read_seq),
        rated: a.kept.rated,
        chosenLang: a.kept.lang,
        botName: a.kept.bot_name || s.botName,
        dismissed: a.kept.dismissed,
      };
  }
}

export function emptyKept(): Kept {
  return {
    token: null,
    read_seq: 0,
    lang: null,
    pending: [],
    rated: {},
    bot_name: null,
    dismissed: [],
  };
}
