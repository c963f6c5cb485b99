// The demo site's only script: buttons that open the chat, and the chat-language switch
// (the widget's public API, window.chatdesk, is there once widget.js has loaded).
(function () {
  function withChat(fn) {
    if (window.chatdesk) fn(window.chatdesk);
    else window.addEventListener("chatdesk:ready", function () { fn(window.chatdesk); }, { once: true });
  }
  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target.closest("[data-chat-open], [data-chat-lang]") : null;
    if (!target) return;
    event.preventDefault();
    var lang = target.getAttribute("data-chat-lang");
    withChat(function (chat) {
      if (lang) {
        chat.setLanguage(lang);
        document.querySelectorAll("[data-chat-lang]").forEach(function (el) {
          el.setAttribute("aria-pressed", String(el === target));
        });
      }
      chat.open();
    });
  });
})();
