// The counter's rating tablet (issue #20) moves on by itself: to the next customer's faces, back from the reasons
// or the thanks. A script, not <meta refresh>, so assistive technology is not interrupted by a timed reload.
(function () {
  var body = document.body;
  var seconds = parseInt(body.dataset.refresh || "0", 10);
  var href = body.dataset.href;
  if (seconds > 0 && href) {
    setTimeout(function () { window.location.replace(href); }, seconds * 1000);
  }
})();
