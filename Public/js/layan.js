// Layan works without JavaScript; this only improves it.
// An error summary takes focus so screen-reader users hear what went wrong (autofocus alone is not
// honoured by every browser on elements that are not form fields).
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector(".error-summary");
  if (summary) { summary.focus(); }
});

// Canned replies: choosing one inserts its text into the message box (without JavaScript the server does it).
document.addEventListener("change", function (event) {
  var select = event.target;
  if (!select.matches || !select.matches("select[data-insert-into]")) { return; }
  var option = select.options[select.selectedIndex];
  var box = document.getElementById(select.getAttribute("data-insert-into"));
  if (box && option && option.getAttribute("data-text")) {
    box.value = box.value ? box.value + "\n\n" + option.getAttribute("data-text") : option.getAttribute("data-text");
    box.focus();
  }
});
