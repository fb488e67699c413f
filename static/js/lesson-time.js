// Reports how long the lesson was actually on screen: time counts only while the tab is
// visible, and is sent when the page is hidden or left (sendBeacon survives navigation).
(function () {
  "use strict";
  var form = document.getElementById("lesson-time");
  if (!form || !navigator.sendBeacon) return;
  var visibleSince = document.visibilityState === "visible" ? Date.now() : null;
  var pendingMs = 0;

  function flush() {
    if (visibleSince !== null) {
      pendingMs += Date.now() - visibleSince;
      visibleSince = null;
    }
    var seconds = Math.round(pendingMs / 1000);
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
})();
