// The widget's own texts in French, Dutch and English, and the formatting of times and
// durations in the visitor's language and time zone. The bot's texts come from the server.

import { promisedTime } from "../common/when";

export type Lang = "fr" | "nl" | "en";
export const LANGS: readonly Lang[] = ["fr", "nl", "en"];
export const LANG_NAMES: Record<Lang, string> = { fr: "Français", nl: "Nederlands", en: "English" };

const en = {
  notice_dismiss: "Dismiss the notice {title}",
  open_chat: "Open chat",
  close_chat: "Close chat",
  unread_one: "{n} new message",
  unread_other: "{n} new messages",
  chat_with: "Chat with {name}",
  support: "Support",
  connecting: "Connecting…",
  status_online: "We're online",
  status_away: "We reply within {duration}",
  status_closed: "Back {when}",
  status_reply_by: "We'll reply by {date}",
  new_messages: "New messages",
  status_live: "You're chatting with {name}",
  you: "You",
  messages: "Messages",
  operator: "Support team",
  assistant: "Assistant",
  sending: "Sending…",
  sent: "Sent",
  seen: "Seen",
  failed: "Not sent",
  failed_too_long: "Not sent: too long",
  retry: "Retry",
  message_label: "Your message",
  placeholder: "Write a message…",
  send: "Send",
  talk_to_person: "Talk to a person",
  suggestions: "Suggestions",
  quick_replies: "Quick replies",
  was_useful: "Was this answer helpful?",
  read_more: "Read more",
  read_more_label: "Read more in the help centre (new tab)",
  useful: "Helpful",
  not_useful: "Not helpful",
  reconnecting: "Connection lost. Reconnecting…",
  offline: "You're offline. Your messages will be sent when you're back online.",
  queued: "You're number {position} in the queue.",
  queued_wait: "About {duration}.",
  queued_soon: "We're finding someone for you…",
  live: "You're chatting with {name}.",
  ticket: "Request {number}",
  waiting: "Our team will get back to you as soon as possible.",
  answered: "Our team answered you here; write on to continue.",
  closed_state: "This conversation was closed. Write again any time.",
  contact_title: "Leave your details so we can reply by e-mail",
  name: "Name",
  email: "E-mail",
  subject: "Subject",
  description: "Description",
  priority: "Priority",
  optional: "optional",
  priority_urgent: "Urgent",
  priority_high: "High",
  priority_normal: "Normal",
  priority_low: "Low",
  priority_urgent_hint: "Service down, no workaround.",
  priority_high_hint: "A major part is affected.",
  priority_normal_hint: "A feature misbehaves.",
  priority_low_hint: "A question or a request.",
  contact_send: "Send my details",
  contact_open: "Leave my contact details",
  contact_thanks: "Thank you! We'll reply to {email}.",
  email_invalid: "Please enter a valid e-mail address.",
  email_customers: "This desk serves customers under contract and invited people: use the address registered with us.",
  rating_title: "How would you rate this conversation?",
  star_one: "{n} star",
  star_other: "{n} stars",
  comment: "Comment",
  rating_send: "Send rating",
  rating_thanks: "Thank you for your feedback!",
  options: "Options",
  close_options: "Close options",
  language: "Language",
  prompt_dismiss: "Dismiss the invitation",
  transcript: "Email me this conversation",
  transcript_title: "Email this conversation",
  transcript_hint: "We send what was said so far to this address.",
  transcript_send: "Send",
  transcript_sent: "Sent to {email}. It should arrive within a few minutes.",
  transcript_empty: "There is nothing to send yet.",
  transcript_limit: "You have asked for it several times already. Please try again later.",
  back_to_chat: "Back to the conversation",
  forget: "Forget me",
  forget_hint: "Delete this conversation from our servers and this browser.",
  forget_title: "Delete this conversation?",
  forget_text:
    "Your messages and the details you gave us are deleted from our servers and from this browser. This cannot be undone.",
  forget_confirm: "Delete everything",
  forget_kept: "Otherwise, a chat that did not become a ticket is deleted {days} days after its last message.",
  cancel: "Cancel",
  forgotten: "Your conversation has been deleted.",
  blocked: "This chat is closed to you for now.",
  start_new: "Start a new conversation",
  typing: "{name} is typing…",
  loading: "Loading your conversation…",
  error: "Something went wrong. Please try again.",
  not_connected: "We can't reach the server right now. Please try again in a moment.",
  person_request: "I'd like to talk to a person.",
  welcome: "Hello! How can we help you today?",
  privacy: "Chatting stores a conversation token in this browser.",
  attach: "Send a file",
  file_too_large: "This file is too large.",
  file_type: "This kind of file is not accepted: images, PDFs, text or short videos only.",
  file_no_ticket: "You can send files once the team has your request.",
  file_failed: "The file could not be sent. Please try again.",
  file_download: "Download {name} ({size})",
};

export type Key = keyof typeof en;
type Catalog = Record<Key, string>;

const fr: Catalog = {
  notice_dismiss: "Masquer l'avis {title}",
  open_chat: "Ouvrir le chat",
  close_chat: "Fermer le chat",
  unread_one: "{n} nouveau message",
  unread_other: "{n} nouveaux messages",
  chat_with: "Discuter avec {name}",
  support: "Assistance",
  connecting: "Connexion…",
  status_online: "Nous sommes en ligne",
  status_away: "Nous répondons sous {duration}",
  status_closed: "De retour {when}",
  status_reply_by: "Nous répondons d'ici {date}",
  new_messages: "Nouveaux messages",
  status_live: "Vous discutez avec {name}",
  you: "Vous",
  messages: "Messages",
  operator: "Équipe support",
  assistant: "Assistant",
  sending: "Envoi…",
  sent: "Envoyé",
  seen: "Vu",
  failed: "Non envoyé",
  failed_too_long: "Non envoyé : trop long",
  retry: "Réessayer",
  message_label: "Votre message",
  placeholder: "Écrivez un message…",
  send: "Envoyer",
  talk_to_person: "Parler à une personne",
  suggestions: "Suggestions",
  quick_replies: "Réponses rapides",
  was_useful: "Cette réponse vous a-t-elle aidé ?",
  read_more: "Lire la suite",
  read_more_label: "Lire la suite dans le centre d'aide (nouvel onglet)",
  useful: "Utile",
  not_useful: "Pas utile",
  reconnecting: "Connexion perdue. Reconnexion…",
  offline: "Vous êtes hors ligne. Vos messages partiront dès votre retour en ligne.",
  queued: "Vous êtes numéro {position} dans la file d'attente.",
  queued_wait: "Environ {duration}.",
  queued_soon: "Nous cherchons quelqu'un pour vous…",
  live: "Vous discutez avec {name}.",
  ticket: "Demande {number}",
  waiting: "Notre équipe vous répondra dès que possible.",
  answered: "Notre équipe vous a répondu ici ; écrivez pour continuer.",
  closed_state: "Cette conversation est clôturée. Écrivez-nous quand vous voulez.",
  contact_title: "Laissez vos coordonnées pour que nous puissions vous répondre par e-mail",
  name: "Nom",
  email: "E-mail",
  subject: "Sujet",
  description: "Description",
  priority: "Priorité",
  optional: "facultatif",
  priority_urgent: "Urgente",
  priority_high: "Haute",
  priority_normal: "Normale",
  priority_low: "Basse",
  priority_urgent_hint: "Service à l'arrêt, sans solution de contournement.",
  priority_high_hint: "Une partie importante est touchée.",
  priority_normal_hint: "Une fonction ne marche pas comme prévu.",
  priority_low_hint: "Une question ou une demande.",
  contact_send: "Envoyer mes coordonnées",
  contact_open: "Laisser mes coordonnées",
  contact_thanks: "Merci ! Nous vous répondrons à {email}.",
  email_invalid: "Veuillez saisir une adresse e-mail valide.",
  email_customers: "Ce service est réservé aux clients sous contrat et aux personnes invitées : utilisez l'adresse enregistrée chez nous.",
  rating_title: "Comment évaluez-vous cette conversation ?",
  star_one: "{n} étoile",
  star_other: "{n} étoiles",
  comment: "Commentaire",
  rating_send: "Envoyer la note",
  rating_thanks: "Merci pour votre avis !",
  options: "Options",
  close_options: "Fermer les options",
  language: "Langue",
  prompt_dismiss: "Fermer l'invitation",
  transcript: "M'envoyer cette conversation par e-mail",
  transcript_title: "La conversation par e-mail",
  transcript_hint: "Nous envoyons à cette adresse ce qui a été dit jusqu'ici.",
  transcript_send: "Envoyer",
  transcript_sent: "Envoyée à {email}. Elle devrait arriver d'ici quelques minutes.",
  transcript_empty: "Il n'y a encore rien à envoyer.",
  transcript_limit: "Vous l'avez déjà demandée plusieurs fois. Réessayez plus tard.",
  back_to_chat: "Retour à la conversation",
  forget: "M'oublier",
  forget_hint: "Supprimer cette conversation de nos serveurs et de ce navigateur.",
  forget_title: "Supprimer cette conversation ?",
  forget_text:
    "Vos messages et les coordonnées que vous nous avez données sont supprimés de nos serveurs et de ce navigateur. C'est définitif.",
  forget_confirm: "Tout supprimer",
  forget_kept:
    "Sinon, une conversation qui n'est pas devenue un ticket est supprimée {days} jours après son dernier message.",
  cancel: "Annuler",
  forgotten: "Votre conversation a été supprimée.",
  blocked: "Ce chat vous est fermé pour le moment.",
  start_new: "Commencer une nouvelle conversation",
  typing: "{name} écrit…",
  loading: "Chargement de votre conversation…",
  error: "Un problème est survenu. Veuillez réessayer.",
  not_connected: "Le serveur est injoignable pour le moment. Réessayez dans un instant.",
  person_request: "Je voudrais parler à une personne.",
  welcome: "Bonjour ! Comment pouvons-nous vous aider ?",
  privacy: "Le chat enregistre un jeton de conversation dans ce navigateur.",
  attach: "Envoyer un fichier",
  file_too_large: "Ce fichier est trop volumineux.",
  file_type: "Ce type de fichier n'est pas accepté : images, PDF, texte ou courtes vidéos uniquement.",
  file_no_ticket: "Vous pourrez envoyer des fichiers dès que l'équipe aura votre demande.",
  file_failed: "Le fichier n'a pas pu être envoyé. Veuillez réessayer.",
  file_download: "Télécharger {name} ({size})",
};

const nl: Catalog = {
  notice_dismiss: "De melding {title} verbergen",
  open_chat: "Chat openen",
  close_chat: "Chat sluiten",
  unread_one: "{n} nieuw bericht",
  unread_other: "{n} nieuwe berichten",
  chat_with: "Chatten met {name}",
  support: "Support",
  connecting: "Verbinden…",
  status_online: "We zijn online",
  status_away: "We antwoorden binnen {duration}",
  status_closed: "Terug {when}",
  status_reply_by: "We antwoorden uiterlijk {date}",
  new_messages: "Nieuwe berichten",
  status_live: "U chat met {name}",
  you: "U",
  messages: "Berichten",
  operator: "Supportteam",
  assistant: "Assistent",
  sending: "Verzenden…",
  sent: "Verzonden",
  seen: "Gezien",
  failed: "Niet verzonden",
  failed_too_long: "Niet verzonden: te lang",
  retry: "Opnieuw",
  message_label: "Uw bericht",
  placeholder: "Schrijf een bericht…",
  send: "Verzenden",
  talk_to_person: "Met een medewerker praten",
  suggestions: "Suggesties",
  quick_replies: "Snelle antwoorden",
  was_useful: "Had u iets aan dit antwoord?",
  read_more: "Lees meer",
  read_more_label: "Lees meer in het helpcentrum (nieuw tabblad)",
  useful: "Nuttig",
  not_useful: "Niet nuttig",
  reconnecting: "Verbinding verbroken. Opnieuw verbinden…",
  offline: "U bent offline. Uw berichten worden verzonden zodra u weer online bent.",
  queued: "U bent nummer {position} in de wachtrij.",
  queued_wait: "Ongeveer {duration}.",
  queued_soon: "We zoeken iemand voor u…",
  live: "U chat met {name}.",
  ticket: "Aanvraag {number}",
  waiting: "Ons team antwoordt u zo snel mogelijk.",
  answered: "Ons team heeft u hier geantwoord; schrijf verder om door te gaan.",
  closed_state: "Dit gesprek werd afgesloten. Schrijf ons gerust opnieuw.",
  contact_title: "Laat uw gegevens achter, dan antwoorden we u per e-mail",
  name: "Naam",
  email: "E-mail",
  subject: "Onderwerp",
  description: "Beschrijving",
  priority: "Prioriteit",
  optional: "optioneel",
  priority_urgent: "Dringend",
  priority_high: "Hoog",
  priority_normal: "Normaal",
  priority_low: "Laag",
  priority_urgent_hint: "De dienst ligt plat, zonder omweg.",
  priority_high_hint: "Een belangrijk deel werkt niet.",
  priority_normal_hint: "Een functie werkt niet zoals verwacht.",
  priority_low_hint: "Een vraag of een verzoek.",
  contact_send: "Mijn gegevens verzenden",
  contact_open: "Mijn gegevens achterlaten",
  contact_thanks: "Bedankt! We antwoorden u op {email}.",
  email_invalid: "Vul een geldig e-mailadres in.",
  email_customers: "Deze dienst is voorbehouden aan klanten met een contract en aan genodigden: gebruik het adres dat bij ons bekend is.",
  rating_title: "Hoe beoordeelt u dit gesprek?",
  star_one: "{n} ster",
  star_other: "{n} sterren",
  comment: "Opmerking",
  rating_send: "Beoordeling verzenden",
  rating_thanks: "Bedankt voor uw feedback!",
  options: "Opties",
  close_options: "Opties sluiten",
  language: "Taal",
  prompt_dismiss: "Uitnodiging sluiten",
  transcript: "Dit gesprek naar mij mailen",
  transcript_title: "Het gesprek per e-mail",
  transcript_hint: "We sturen wat tot nu toe gezegd is naar dit adres.",
  transcript_send: "Versturen",
  transcript_sent: "Verstuurd naar {email}. Het komt binnen enkele minuten aan.",
  transcript_empty: "Er is nog niets om te versturen.",
  transcript_limit: "U hebt het al enkele keren gevraagd. Probeer het later opnieuw.",
  back_to_chat: "Terug naar het gesprek",
  forget: "Vergeet mij",
  forget_hint: "Dit gesprek wissen van onze servers en uit deze browser.",
  forget_title: "Dit gesprek wissen?",
  forget_text:
    "Uw berichten en de gegevens die u ons gaf, worden gewist van onze servers en uit deze browser. Dit kan niet ongedaan worden gemaakt.",
  forget_confirm: "Alles wissen",
  forget_kept:
    "Anders wordt een gesprek dat geen ticket werd {days} dagen na het laatste bericht gewist.",
  cancel: "Annuleren",
  forgotten: "Uw gesprek werd gewist.",
  blocked: "Deze chat is voorlopig voor u gesloten.",
  start_new: "Een nieuw gesprek beginnen",
  typing: "{name} typt…",
  loading: "Uw gesprek wordt geladen…",
  error: "Er ging iets mis. Probeer het opnieuw.",
  not_connected: "De server is nu niet bereikbaar. Probeer het zo meteen opnieuw.",
  person_request: "Ik wil graag met iemand praten.",
  welcome: "Hallo! Hoe kunnen we u helpen?",
  privacy: "De chat bewaart een gesprekstoken in deze browser.",
  attach: "Een bestand sturen",
  file_too_large: "Dit bestand is te groot.",
  file_type: "Dit soort bestand wordt niet aanvaard: alleen afbeeldingen, pdf's, tekst of korte video's.",
  file_no_ticket: "U kunt bestanden sturen zodra het team uw vraag heeft.",
  file_failed: "Het bestand kon niet worden verzonden. Probeer het opnieuw.",
  file_download: "{name} downloaden ({size})",
};

const CATALOGS: Record<Lang, Catalog> = { fr, nl, en };

/** The first of the browser's languages that the widget speaks (nl-BE -> nl), or null. */
export function browserLang(): Lang | null {
  for (const tag of [...(navigator.languages || []), navigator.language]) {
    const lang = toLang(tag);
    if (lang) return lang;
  }
  return null;
}

/** The supported language of a tag such as `fr-BE` or `NL`, or null. */
export function toLang(tag: string | null | undefined): Lang | null {
  if (!tag) return null;
  const primary = tag.trim().toLowerCase().split(/[-_]/)[0];
  return (LANGS as readonly string[]).includes(primary) ? (primary as Lang) : null;
}

/** Texts and formats for one language. */
export class I18n {
  readonly lang: Lang;
  readonly locale: string;
  private readonly catalog: Catalog;
  private readonly plural: Intl.PluralRules;

  constructor(lang: Lang) {
    this.lang = lang;
    this.catalog = CATALOGS[lang];
    // The visitor's own regional variant when it is of this language (fr-BE, en-US...).
    const regional = (navigator.languages || [navigator.language]).find(
      (tag) => toLang(tag) === lang,
    );
    this.locale = regional || lang;
    this.plural = new Intl.PluralRules(this.locale);
  }

  t(key: Key, params: Record<string, string | number> = {}): string {
    return this.catalog[key].replace(/\{(\w+)\}/g, (_, name: string) =>
      name in params ? String(params[name]) : `{${name}}`,
    );
  }

  /** A text with a `_one` / `_other` form chosen by `n`. */
  count(base: "unread" | "star", n: number): string {
    const form = this.plural.select(n) === "one" ? "one" : "other";
    return this.t(`${base}_${form}` as Key, { n });
  }

  /** `09:15` today, else `24 Nov, 09:15`. */
  time(iso: string): string {
    const date = new Date(iso);
    if (isNaN(date.getTime())) return "";
    const sameDay = date.toDateString() === new Date().toDateString();
    return new Intl.DateTimeFormat(this.locale, {
      hour: "2-digit",
      minute: "2-digit",
      ...(sameDay ? {} : { day: "numeric", month: "short" }),
    }).format(date);
  }

  /** A promised moment, one way everywhere: `Thursday 3 December, 14:25`; in the desk's
   * time zone when it gave one. */
  promised(iso: string, zone?: string | null): string {
    return promisedTime(iso, this.lang, zone);
  }

  /** `4 minutes`, `24 hours`, `2 days`. */
  duration(seconds: number): string {
    let value: number;
    let unit: "minute" | "hour" | "day";
    if (seconds < 90 * 60) {
      value = Math.max(1, Math.round(seconds / 60));
      unit = "minute";
    } else if (seconds < 48 * 3600) {
      value = Math.round(seconds / 3600);
      unit = "hour";
    } else {
      value = Math.round(seconds / 86400);
      unit = "day";
    }
    return new Intl.NumberFormat(this.locale, { style: "unit", unit, unitDisplay: "long" }).format(
      value,
    );
  }
}


const made = new Map<Lang, I18n>();

/** The (shared) texts and formats of `lang`. */
export function i18nFor(lang: Lang): I18n {
  let i18n = made.get(lang);
  if (!i18n) made.set(lang, (i18n = new I18n(lang)));
  return i18n;
}
