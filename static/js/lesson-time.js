// Reports how long the lesson was actually on screen: time counts only while the tab is
// visible. It is sent every minute, when the page is hidden or left (a beacon survives
// navigation), and with "Mark as complete". The server credits no more than really passed.
(function () {
  "use strict";
  var form = document.getElementById("lesson-time");
  if (!form) return;
  var visibleSince = document.visibilityState === "visible" ? Date.now() : null;
  var pendingMs = 0;

  function takePending() {
    if (visibleSince !== null) {
      pendingMs += Date.now() - visibleSince;
      visibleSince = document.visibilityState === "visible" ? Date.now() : null;
    }
    return Math.round(pendingMs / 1000);
  }

  // "Mark as complete" carries the time not yet reported, so the server counts it before it
  // decides (a report sent as the page unloads could arrive after the form).
  var complete = document.getElementById("lesson-complete");
  if (complete) {
    complete.addEventListener("submit", function () {
      var seconds = takePending();
      if (seconds >= 1) {
        complete.elements.seconds.value = String(seconds);
        pendingMs = 0;
      }
    });
  }

  function flush() {
    // Without beacons the time still reaches the server with "Mark as complete".
    if (!navigator.sendBeacon) return;
    var seconds = takePending();
    if (seconds < 1) return;
    var data = new FormData(form);
    data.set("seconds", String(seconds));
    if (navigator.sendBeacon(form.action, data)) pendingMs = 0;
  }

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") {
      visibleSince = Date.now();
    } else {
      flush();
    }
  });
  window.addEventListener("pagehide", flush);
  setInterval(function () {
    if (document.visibilityState === "visible") flush();
  }, 60000);
})();
