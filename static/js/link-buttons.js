// Links drawn as buttons (<a role="button">, Pico's button style) must also answer the Space
// key, as a button does (WAI-ARIA button pattern); Enter already follows the link.
document.addEventListener("keydown", function (event) {
  var link = event.target.closest && event.target.closest('a[role="button"]');
  if (link && (event.key === " " || event.key === "Spacebar")) {
    event.preventDefault(); // no page scroll
  }
});
document.addEventListener("keyup", function (event) {
  var link = event.target.closest && event.target.closest('a[role="button"]');
  if (link && (event.key === " " || event.key === "Spacebar")) {
    event.preventDefault();
    link.click();
  }
});
