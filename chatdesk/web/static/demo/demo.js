// The demo site's only script: buttons that open the chat, and the chat-language switch
// (the widget's public API, window.chatdesk, is there once widget.js has loaded). The
// language buttons only change the language (they never open or close the chat) and always
// show the widget's own language, after a reload too.
(function () {
  function withChat(fn) {
    if (window.chatdesk) fn(window.chatdesk);
    else window.addEventListener("chatdesk:ready", function () { fn(window.chatdesk); }, { once: true });
  }
  function showLanguage(lang) {
    document.querySelectorAll("[data-chat-lang]").forEach(function (el) {
      el.setAttribute("aria-pressed", String(el.getAttribute("data-chat-lang") === lang));
    });
  }
  withChat(function (chat) { showLanguage(chat.lang); });
  window.addEventListener("chatdesk:lang", function (event) { showLanguage(event.detail.lang); });
  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target.closest("[data-chat-open], [data-chat-lang]") : null;
    if (!target) return;
    event.preventDefault();
    var lang = target.getAttribute("data-chat-lang");
    withChat(function (chat) {
      if (lang) chat.setLanguage(lang);
      else chat.open();
    });
  });
})();
