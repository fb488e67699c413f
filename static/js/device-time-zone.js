// Offer the device's time zone next to a time zone select that is still on the site default.
// Progressive: without JavaScript the person picks from the list.
(function () {
  var zone;
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch (e) {
    return;
  }
  document.querySelectorAll("select[data-device-time-zone]").forEach(function (select) {
    var known = Array.prototype.some.call(select.options, function (o) { return o.value === zone; });
    if (!zone || !known || select.value === zone) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "secondary outline";
    button.textContent = "Use this device's time zone (" + zone.replace(/_/g, " ") + ")";
    button.addEventListener("click", function () {
      select.value = zone;
      button.remove();
      select.focus();
    });
    select.insertAdjacentElement("afterend", button);
  });
})();
