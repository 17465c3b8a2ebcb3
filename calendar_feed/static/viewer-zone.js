(function () {
  "use strict";
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  var day = new Intl.DateTimeFormat(undefined, {weekday: "short", day: "numeric", month: "short", timeZone: zone});
  var clock = new Intl.DateTimeFormat(undefined, {hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: zone});
  var times = document.querySelectorAll("time[data-end]");
  for (var i = 0; i < times.length; i++) {
    var written = times[i].getAttribute("datetime");
    var start = new Date(written);
    var end = new Date(times[i].getAttribute("data-end"));
    var match = /([+-])(\d\d):(\d\d)$/.exec(written);
    if (!match || isNaN(start.getTime())) { continue; }
    var offset = (match[1] === "-" ? -1 : 1) * (60 * Number(match[2]) + Number(match[3]));
    if (offset === -start.getTimezoneOffset()) { continue; }
    var note = document.createElement("span");
    note.className = "viewer-time";
    note.setAttribute("data-zone", zone);
    note.textContent = " · your time: " + day.format(start) + ", " + clock.format(start) +
      "–" + clock.format(end) + " (" + zone + ")";
    var line = times[i].closest(".when") || times[i].parentNode;
    var written_clock = line.querySelector(".time");
    line.insertBefore(note, written_clock ? written_clock.nextSibling : null);
  }
})();
