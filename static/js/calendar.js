// The back office calendar on EventCalendar. The server sends and takes the salon's
// wall-clock times without an offset ("2026-03-10T10:15"); the calendar shows them as
// they are, so the browser's own zone does not matter.
(function () {
  "use strict";

  function pad(n) { return String(n).padStart(2, "0"); }

  function wall(d) {
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()) +
      "T" + pad(d.getHours()) + ":" + pad(d.getMinutes());
  }

  function withPk(url, pk) { return url.replace("/0/", "/" + pk + "/"); }

  document.addEventListener("DOMContentLoaded", function () {
    var root = document.getElementById("board-calendar");
    if (!root || !window.EventCalendar) return;
    var opts = JSON.parse(document.getElementById("board-options").textContent);
    var t = opts.texts;
    var status = document.getElementById("board-status");
    var card = document.getElementById("board-card");
    var cardBody = document.getElementById("board-card-body");
    var filter = document.getElementById("board-staff");
    var csrf = document.querySelector("[name=csrfmiddlewaretoken]").value;
    var phone = window.matchMedia("(max-width: 640px)").matches;
    var views = phone ? { day: "listDay", week: "listWeek" }
      : { day: "resourceTimeGridDay", week: "timeGridWeek" };

    function say(text, bad) {
      status.textContent = text;
      status.hidden = !text;
      status.className = "board-status message " + (bad ? "message-error" : "message-success");
    }

    function resources() {
      return opts.resources.filter(function (r) {
        return !filter.value || String(r.id) === filter.value;
      });
    }

    function openCard(pk) {
      card.hidden = false;
      window.htmx.ajax("GET", withPk(opts.cardUrl, pk), { target: "#board-card-body" });
    }

    function move(info) {
      var body = new URLSearchParams({ start: wall(info.event.start), end: wall(info.event.end) });
      if (info.newResource) body.set("staff_member", info.newResource.id);
      say("");
      fetch(withPk(opts.dropUrl, info.event.extendedProps.pk), {
        method: "POST", body: body, credentials: "same-origin",
        headers: { "X-CSRFToken": csrf, "Accept": "application/json" }
      }).then(function (response) {
        return response.json().then(function (data) { return [response.ok, data]; });
      }).then(function (answer) {
        if (answer[0]) {
          say(answer[1].message, false);
          ec.refetchEvents();
        } else {
          info.revert();
          say(answer[1].error, true);
        }
      }).catch(function () {
        info.revert();
        say(t.failed, true);
      });
    }

    var ec = window.EventCalendar.create(root, {
      view: views[opts.view],
      date: opts.date,
      locale: opts.locale,
      firstDay: opts.firstDay,
      height: "auto",
      nowIndicator: true,
      selectable: !phone,
      editable: !phone,
      eventDurationEditable: true,
      slotDuration: "00:15",
      slotLabelInterval: "01:00",
      slotMinTime: "07:00",
      slotMaxTime: "21:00",
      flexibleSlotTimeLimits: true,
      scrollTime: "08:00",
      allDaySlot: false,
      slotLabelFormat: { hour: "2-digit", minute: "2-digit", hour12: opts.hour12 },
      eventTimeFormat: { hour: "2-digit", minute: "2-digit", hour12: opts.hour12 },
      resources: resources(),
      headerToolbar: { start: "prev,next today", center: "title",
                       end: phone ? "listDay,listWeek" : "resourceTimeGridDay,timeGridWeek" },
      buttonText: function (text) {
        return Object.assign({}, text, {
          today: t.today, resourceTimeGridDay: t.day, timeGridWeek: t.week,
          listDay: t.day, listWeek: t.week, close: t.close
        });
      },
      noEventsContent: t.noEvents,
      eventSources: [{
        url: opts.eventsUrl,
        extraParams: function () { return filter.value ? { staff: filter.value } : {}; }
      }],
      dateClick: function (info) {
        // The booking form opens beside the calendar, prefilled with the cell.
        var query = new URLSearchParams({ start: wall(info.date) });
        if (info.resource) query.set("staff", info.resource.id);
        else if (filter.value) query.set("staff", filter.value);
        card.hidden = false;
        window.htmx.ajax("GET", opts.panelUrl + "?" + query.toString(),
                         { target: "#board-card-body" });
      },
      eventClick: function (info) {
        var props = info.event.extendedProps;
        if (!props || !props.pk) return;
        if (props.kind === "class") window.location.href = withPk(opts.sessionUrl, props.pk);
        else openCard(props.pk);
      },
      eventDrop: move,
      eventResize: move,
      resourceLabelContent: function (info) {
        var mine = opts.resources.some(function (r) {
          return r.mine && String(r.id) === String(info.resource.id);
        });
        if (!mine) return info.resource.title;
        var strong = document.createElement("strong");
        strong.textContent = "★ " + info.resource.title;
        return { domNodes: [strong] };
      },
      datesSet: function (info) {
        // Prev/next/today keep the URL's ?day= in step, so a reload shows the same days.
        var url = new URL(window.location.href);
        url.searchParams.set("day", wall(info.view.currentStart).slice(0, 10));
        window.history.replaceState(null, "", url);
      }
    });

    // The list view marks its whole box a list, toolbar included, and an empty day a list
    // of nothing; screen readers (and axe) want the list to be just the days, when any.
    function listRoles() {
      var box = root.querySelector(".ec");
      if (!box) return;
      if (box.getAttribute("role") === "list") box.removeAttribute("role");
      var main = box.querySelector(".ec-main");
      if (!main) return;
      var days = box.classList.contains("ec-list") && main.querySelector("[role=listitem]");
      if (days && main.getAttribute("role") !== "list") main.setAttribute("role", "list");
      if (!days && main.hasAttribute("role")) main.removeAttribute("role");
    }
    new MutationObserver(listRoles).observe(root, { subtree: true, childList: true,
                                                   attributes: true, attributeFilter: ["role"] });
    listRoles();

    filter.addEventListener("change", function () {
      ec.setOption("resources", resources());
      ec.refetchEvents();
    });
    document.getElementById("board-card-close").addEventListener("click", function () {
      card.hidden = true;
      cardBody.innerHTML = "";
    });
    document.body.addEventListener("htmx:afterSwap", function (event) {
      // A state change or a rebooking on the card shows on the calendar at once.
      if (event.target === cardBody && event.detail.requestConfig.verb === "post") {
        ec.refetchEvents();
      }
    });
    window.salonCalendar = ec;
  });
})();
