// Connects Bot Framework Web Chat to Rasa's socket.io channel (channels/socketio.py).
//
// Web Chat talks to any object with `activity$`, `connectionStatus$` and `postActivity()` as if
// it were Direct Line. This one turns Web Chat's activities into Rasa's `user_uttered` events and
// Rasa's `bot_uttered` events into activities:
// - the session: `session_request` with the stored id (or null), and from then on the id the
//   server's `session_confirm` gives, which may differ (the server replaces unknown ids); it is
//   kept in sessionStorage, so the conversation survives a reload within the browser tab;
// - the transcript is kept in sessionStorage too and shown again after a reload; when the
//   server confirms another session than the one asked for, the old transcript is dropped;
// - Rasa's buttons (`quick_replies` or `buttons`: {title, payload}) become suggested actions
//   that show the title and send the payload;
// - the bot's text is shown as text: every Markdown character that could make a link, an
//   image, markup or emphasis is escaped; single line breaks become paragraph breaks (Web
//   Chat's Markdown needs a blank line); "Paragraph 23" and "Paragraphs 22 and 23" become links
//   to the policy page (/policy#para-23).
(function () {
  "use strict";

  var SESSION_KEY = "smp-chat-session";
  var TRANSCRIPT_KEY = "smp-chat-transcript";
  var MAX_STORED_ACTIVITIES = 300;
  // The first message of a new conversation, not shown: the assistant answers with its greeting.
  var GREETING_PAYLOAD = "/greet";
  var USER_ID = "user";
  var BOT = { id: "bot", name: "Assistant", role: "bot" };
  // Direct Line's connection statuses, as Web Chat reads them.
  var CONNECTING = 1;
  var ONLINE = 2;

  // Quotes too: Web Chat's Markdown would curl them (escaped, they stay as the bot wrote them).
  var MARKDOWN_CHARACTERS = /[\\`*_{}[\]<>!#|~&'"]/g;
  // "Paragraph 23", "Paragraphs 22 and 23", "Paragraphs 26, 27 and 29",
  // "paragraphs 22 and 23 (Personal Use) and 33 (Safeguarding)".
  var NUMBER = "\\d+(?: \\([^()]*\\))?";
  var CITATION = new RegExp(
    "\\b(Paragraphs?) (" + NUMBER + "(?:(?:, | and )" + NUMBER + ")*)",
    "gi"
  );

  function escapeMarkdown(text) {
    return text.replace(MARKDOWN_CHARACTERS, "\\$&");
  }

  // A Markdown link to the paragraph; its accessible name says which paragraph, even where
  // the link text is the number alone, and that it opens in a new tab (as Web Chat's links do).
  function paragraphLink(text, number, policyUrl) {
    return (
      "[" + text + "](" + policyUrl + "#para-" + number + ')' +
      '{aria-label="Paragraph ' + number + ', opens in a new tab"}'
    );
  }

  // Links each paragraph number of a citation; a single paragraph's link is "Paragraph 23".
  function linkCitations(text, policyUrl) {
    return text.replace(CITATION, function (citation, word, numbers) {
      if (/^\d+$/.test(numbers)) {
        return paragraphLink(word + " " + numbers, numbers, policyUrl);
      }
      var linked = numbers.replace(/(\([^()]*\))|(\d+)/g, function (match, section, number) {
        return section || paragraphLink(number, number, policyUrl);
      });
      return word + " " + linked;
    });
  }

  // The bot's text as Web Chat Markdown that shows exactly that text, with citation links.
  function botMarkdown(text, policyUrl) {
    var paragraphs = text.split(/\r?\n/).map(function (line) {
      return linkCitations(escapeMarkdown(line), policyUrl);
    });
    return paragraphs.join("\n\n");
  }

  // An observable that gives each new subscriber the values it keeps, then every new value.
  function subject(keep) {
    var observers = [];
    var kept = [];
    return {
      next: function (value) {
        kept = keep(kept, value);
        observers.slice().forEach(function (observer) {
          observer.next(value);
        });
      },
      observable: {
        subscribe: function (observer) {
          if (typeof observer === "function") {
            observer = { next: observer };
          }
          observers.push(observer);
          kept.forEach(function (value) {
            observer.next(value);
          });
          return {
            unsubscribe: function () {
              observers = observers.filter(function (other) {
                return other !== observer;
              });
            }
          };
        }
      }
    };
  }

  function keepAll(kept, value) {
    return kept.concat([value]);
  }

  function keepLast(kept, value) {
    return [value];
  }

  function observableOf(value) {
    return {
      subscribe: function (observer) {
        observer.next(value);
        if (observer.complete) {
          observer.complete();
        }
        return { unsubscribe: function () {} };
      }
    };
  }

  function readStored(key, fallback) {
    try {
      var value = JSON.parse(window.sessionStorage.getItem(key));
      return value === null ? fallback : value;
    } catch (error) {
      return fallback;
    }
  }

  function store(key, value) {
    window.sessionStorage.setItem(key, JSON.stringify(value));
  }

  function confirmedId(data) {
    if (typeof data === "string") {
      return data;
    }
    return data && typeof data.session_id === "string" ? data.session_id : null;
  }

  function suggestedActions(buttons) {
    return {
      to: [USER_ID],
      actions: buttons.map(function (button) {
        return {
          type: "messageBack",
          title: String(button.title),
          displayText: String(button.title),
          text: String(button.payload)
        };
      })
    };
  }

  // Creates the adapter for Web Chat's `directLine` prop.
  //   serverUrl: the Rasa server, e.g. "http://localhost:5005"
  //   policyUrl: the policy page that citations link to, e.g. "http://localhost:8080/policy"
  function create(serverUrl, policyUrl) {
    var activities = subject(keepAll);
    var status = subject(keepLast);
    var sessionId = null;
    var sequence = 0;

    function nextId() {
      sequence += 1;
      return "smp-" + Date.now() + "-" + sequence;
    }

    function publish(activity) {
      var transcript = readStored(TRANSCRIPT_KEY, []).concat([activity]);
      store(TRANSCRIPT_KEY, transcript.slice(-MAX_STORED_ACTIVITIES));
      activities.next(activity);
    }

    function botActivity(message) {
      var buttons = message.quick_replies || message.buttons || [];
      var activity = {
        type: "message",
        id: nextId(),
        timestamp: new Date().toISOString(),
        from: BOT,
        textFormat: "markdown",
        text: botMarkdown(String(message.text || ""), policyUrl)
      };
      if (buttons.length) {
        activity.suggestedActions = suggestedActions(buttons);
      }
      return activity;
    }

    var socket = window.io(serverUrl, { path: "/socket.io/" });

    function sendToRasa(text) {
      socket.emit("user_uttered", { message: text, session_id: sessionId });
    }

    socket.on("connect", function () {
      socket.emit("session_request", { session_id: readStored(SESSION_KEY, null) });
    });

    socket.on("session_confirm", function (data) {
      var requested = readStored(SESSION_KEY, null);
      var confirmed = confirmedId(data);
      if (!confirmed || confirmed === sessionId) {
        status.next(ONLINE);
        return;
      }
      sessionId = confirmed;
      store(SESSION_KEY, confirmed);
      if (confirmed === requested) {
        readStored(TRANSCRIPT_KEY, []).forEach(activities.next);
      } else {
        window.sessionStorage.removeItem(TRANSCRIPT_KEY);
        sendToRasa(GREETING_PAYLOAD);
      }
      status.next(ONLINE);
    });

    socket.on("bot_uttered", function (message) {
      if (message && (message.text || message.quick_replies || message.buttons)) {
        publish(botActivity(message));
      }
    });

    socket.on("disconnect", function () {
      status.next(CONNECTING);
    });

    status.next(CONNECTING);

    return {
      activity$: activities.observable,
      connectionStatus$: status.observable,
      postActivity: function (activity) {
        var echo = Object.assign({}, activity, {
          id: nextId(),
          timestamp: new Date().toISOString()
        });
        if (activity.type === "message") {
          sendToRasa(String(activity.text || ""));
          publish(echo);
        } else {
          activities.next(echo);
        }
        return observableOf(echo.id);
      },
      end: function () {
        socket.close();
      }
    };
  }

  window.RasaDirectLine = { create: create, botMarkdown: botMarkdown };
})();
