/* The offline page's script (assets/offline.html; cached with it by sw.js, no inline script: the
 * CSP). Without a network it shows, if she chose to keep it on this phone ("Vis neste møte når jeg
 * er uten nett", ipapp/state/offline.py), the time and place of her next meetings and her
 * coordinator's phone, in her language. Without that copy the page stays as it is: nothing of
 * any plan. The copy is plain text put in with textContent, never as HTML.
 */
(function () {
  "use strict";
  var STORAGE_KEY = "ipapp-offline";
  var VERSION = 1;
  // Copies of the catalog's pwa.offline.* keys (ipapp/i18n/catalog_pwa.py), checked by
  // tests/browser/test_installable.py: edit the catalog, then copy them here.
  var TEXTS = /* catalog:begin */ {
    "nb": {
      "page_title": "Uten nett · ipapp",
      "heading": "Du er uten nett",
      "body": "ipapp trenger nett for å vise planen din. Prøv igjen når du har dekning.",
      "retry": "Prøv igjen",
      "next_meeting": "Neste møte",
      "later_meetings": "Møtene etter det",
      "place": "Sted",
      "coordinator": "Koordinator",
      "phone": "tlf.",
      "no_meeting": "Du hadde ingen kommende møter sist du var på nett.",
      "saved": "Lagret på denne telefonen {when}."
    },
    "nn": {
      "page_title": "Utan nett · ipapp",
      "heading": "Du er utan nett",
      "body": "ipapp treng nett for å vise planen din. Prøv igjen når du har dekning.",
      "retry": "Prøv igjen",
      "next_meeting": "Neste møte",
      "later_meetings": "Møta etter det",
      "place": "Stad",
      "coordinator": "Koordinator",
      "phone": "tlf.",
      "no_meeting": "Du hadde ingen komande møte sist du var på nett.",
      "saved": "Lagra på denne telefonen {when}."
    },
    "en": {
      "page_title": "Offline · ipapp",
      "heading": "You are offline",
      "body": "ipapp needs the internet to show your plan. Try again when you have a connection.",
      "retry": "Try again",
      "next_meeting": "Next meeting",
      "later_meetings": "The meetings after that",
      "place": "Place",
      "coordinator": "Coordinator",
      "phone": "phone",
      "no_meeting": "You had no upcoming meetings when you were last online.",
      "saved": "Stored on this phone {when}."
    }
  } /* catalog:end */;

  function kept() {
    var copy;
    try { copy = JSON.parse(localStorage.getItem(STORAGE_KEY) || "null"); } catch (error) { return null; }
    if (!copy || typeof copy !== "object" || copy.v !== VERSION || !TEXTS.hasOwnProperty(copy.locale)) return null;
    return copy;
  }

  function text(value) {
    return typeof value === "string" ? value.slice(0, 300) : "";
  }

  function element(name, content, className) {
    var node = document.createElement(name);
    if (content) node.textContent = content;
    if (className) node.className = className;
    return node;
  }

  function labelled(label, value) {
    var line = element("p");
    line.appendChild(element("span", label + ": ", "label"));
    line.appendChild(document.createTextNode(value));
    return line;
  }

  function upcoming(meetings) {
    var now = Date.now();
    return (Array.isArray(meetings) ? meetings : []).filter(function (meeting) {
      var ends = meeting && Date.parse(meeting.ends);
      return meeting && text(meeting.when) && !isNaN(ends) && ends > now;
    });
  }

  function coordinatorLine(words, coordinator) {
    var line = labelled(words.coordinator, text(coordinator.name));
    var phone = text(coordinator.phone);
    var href = text(coordinator.phone_href);
    if (phone && /^tel:\+?[0-9]{3,20}$/.test(href)) {
      line.appendChild(document.createTextNode(", " + words.phone + " "));
      var call = element("a", phone, "phone");
      call.href = href;  // calling needs no internet
      line.appendChild(call);
    }
    return line;
  }

  function show(copy) {
    var words = TEXTS[copy.locale];
    // The whole page in her language, now that it is known.
    document.documentElement.lang = copy.locale;
    document.title = words.page_title;
    document.querySelector("h1").textContent = words.heading;
    document.querySelector(".card p").textContent = words.body;
    document.querySelector(".button").textContent = words.retry;
    var others = document.querySelector(".other-languages");
    if (others) others.hidden = true;

    var card = element("section", "", "card");
    card.setAttribute("aria-labelledby", "next-meeting");
    var heading = element("h2", words.next_meeting);
    heading.id = "next-meeting";
    card.appendChild(heading);
    var meetings = upcoming(copy.meetings);
    if (meetings.length) {
      card.appendChild(element("p", text(meetings[0].when), "when"));
      if (text(meetings[0].place)) card.appendChild(labelled(words.place, text(meetings[0].place)));
      if (meetings.length > 1) {
        card.appendChild(element("h3", words.later_meetings));
        var list = element("ul", "", "plain-list");
        meetings.slice(1).forEach(function (meeting) {
          var item = element("li", text(meeting.when));
          if (text(meeting.place)) item.appendChild(document.createTextNode(" – " + words.place + ": " + text(meeting.place)));
          list.appendChild(item);
        });
        card.appendChild(list);
      }
    } else {
      card.appendChild(element("p", words.no_meeting));
    }
    (Array.isArray(copy.coordinators) ? copy.coordinators : []).slice(0, 3).forEach(function (coordinator) {
      if (coordinator && text(coordinator.name)) card.appendChild(coordinatorLine(words, coordinator));
    });
    if (text(copy.saved)) card.appendChild(element("p", words.saved.replace("{when}", text(copy.saved)), "muted"));
    var main = document.querySelector("main");
    main.insertBefore(card, main.querySelector(".card"));
  }

  var copy = kept();
  if (copy) show(copy);
})();
