// The chat launcher: a button that opens the chat panel, loads Web Chat (about 1 MB) the first
// time, and remembers within the browser tab that the panel was open, so a reload shows the
// conversation again. Escape (when Web Chat has not used it) and the close button close the
// panel and give the focus back to the launcher.
(function () {
  "use strict";

  var OPEN_KEY = "smp-chat-open";
  // The Rasa server: http://localhost:5005 unless ?server=URL says otherwise (tests run Rasa on
  // another port). The page's Content-Security-Policy decides which server it may reach.
  var DEFAULT_SERVER = "http://localhost:5005";
  var FOCUS_WAIT_MS = 5000;

  // Where the panel fills the screen (chat.css), the page behind it is made inert, so that
  // the focus never goes to something hidden behind the panel.
  var FULL_SCREEN = window.matchMedia("(max-width: 30rem)");

  var page = document.querySelector("main");
  var launcher = document.getElementById("smp-launcher");
  var panel = document.getElementById("smp-chat");
  var closeButton = document.getElementById("smp-chat-close");
  var container = document.getElementById("smp-webchat");
  var started = false;

  function rasaServer() {
    var server = new URLSearchParams(window.location.search).get("server");
    if (server && /^https?:\/\/[^\s/?#]+\/?$/.test(server)) {
      return server.replace(/\/$/, "");
    }
    return DEFAULT_SERVER;
  }

  function loadScript(src, then) {
    var script = document.createElement("script");
    script.src = src;
    script.onload = then;
    document.body.appendChild(script);
  }

  function startWebChat() {
    window.WebChat.renderWebChat(
      {
        directLine: window.RasaDirectLine.create(
          rasaServer(),
          window.location.origin + "/policy"
        ),
        userID: "user",
        username: "You",
        locale: "en-GB",
        styleOptions: {
          hideUploadButton: true,
          markdownRenderHTML: false,
          suggestedActionLayout: "stacked"
        }
      },
      container
    );
  }

  // Focuses Web Chat's message box as soon as it is there.
  function focusMessageBox() {
    var deadline = Date.now() + FOCUS_WAIT_MS;
    (function attempt() {
      var box = container.querySelector("[data-id='webchat-sendbox-input']");
      if (box) {
        box.focus();
      } else if (Date.now() < deadline) {
        window.setTimeout(attempt, 50);
      }
    })();
  }

  function coverPage() {
    page.inert = !panel.hidden && FULL_SCREEN.matches;
  }

  function open() {
    panel.hidden = false;
    launcher.hidden = true;
    launcher.setAttribute("aria-expanded", "true");
    window.sessionStorage.setItem(OPEN_KEY, "1");
    coverPage();
    if (!started) {
      started = true;
      loadScript("/webchat.js", startWebChat);
    }
    focusMessageBox();
  }

  function close() {
    panel.hidden = true;
    launcher.hidden = false;
    launcher.setAttribute("aria-expanded", "false");
    window.sessionStorage.removeItem(OPEN_KEY);
    coverPage();
    launcher.focus();
  }

  FULL_SCREEN.addEventListener("change", coverPage);
  launcher.addEventListener("click", open);
  closeButton.addEventListener("click", close);
  panel.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && !event.defaultPrevented) {
      close();
    }
  });

  if (window.sessionStorage.getItem(OPEN_KEY)) {
    open();
  }
})();
