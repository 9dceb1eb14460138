// The display board: live calls over Server-Sent Events, a chime, and the announcement spoken in Malay
// then English (PKPA 1/2008 counter rule 8). EventSource reconnects by itself; the first event after
// (re)connecting is the whole state, so the board catches up after a network drop or a server restart.
(function () {
  "use strict";
  var body = document.body;
  var strings = document.getElementById("strings").dataset;
  var soundOn = false;
  var audio = null;

  document.getElementById("sound").addEventListener("click", function () {
    // Browsers allow sound only after a person has touched the page once.
    soundOn = true;
    audio = audio || new (window.AudioContext || window.webkitAudioContext)();
    this.hidden = true;
  });

  function chime() {
    if (!soundOn || !audio) { return; }
    [660, 880].forEach(function (frequency, i) {
      var osc = audio.createOscillator(), gain = audio.createGain();
      osc.frequency.value = frequency;
      gain.gain.setValueAtTime(0.0001, audio.currentTime + i * 0.35);
      gain.gain.exponentialRampToValueAtTime(0.4, audio.currentTime + i * 0.35 + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, audio.currentTime + i * 0.35 + 0.3);
      osc.connect(gain).connect(audio.destination);
      osc.start(audio.currentTime + i * 0.35);
      osc.stop(audio.currentTime + i * 0.35 + 0.32);
    });
  }

  function speak(text, lang) {
    if (!soundOn || !window.speechSynthesis) { return; }
    var utterance = new SpeechSynthesisUtterance(text);
    utterance.lang = lang;
    utterance.rate = 0.9;
    window.speechSynthesis.speak(utterance);
  }

  function text(element, value) { element.textContent = value; }

  function renderState(state) {
    var services = document.getElementById("services");
    services.textContent = "";
    state.services.forEach(function (s) {
      var row = document.createElement("tr");
      var name = document.createElement("td"), waiting = document.createElement("td"), estimate = document.createElement("td");
      var letter = document.createElement("strong");
      text(letter, s.letter);
      name.appendChild(letter);
      name.appendChild(document.createTextNode(" " + (strings.lang === "ms" ? s.nameMs : s.nameEn)));
      text(waiting, String(s.waiting));
      text(estimate, s.estimatedWaitMinutes === null || s.estimatedWaitMinutes === undefined ? "—" : s.estimatedWaitMinutes + " " + strings.minutes);
      row.appendChild(name); row.appendChild(waiting); row.appendChild(estimate);
      services.appendChild(row);
    });
    var recent = document.getElementById("recent");
    recent.textContent = "";
    state.recentCalls.slice(1).forEach(function (call) {
      var item = document.createElement("li"), label = document.createElement("strong");
      text(label, call.label);
      item.appendChild(label);
      item.appendChild(document.createTextNode(" → " + strings.counter + " " + call.counter));
      recent.appendChild(item);
    });
    document.getElementById("recent-none").hidden = state.recentCalls.length > 1;
    if (state.recentCalls.length > 0) { showCall(state.recentCalls[0]); }
    document.body.dataset.generatedAt = state.generatedAt;
  }

  function showCall(call) {
    document.getElementById("now-idle").hidden = true;
    document.getElementById("now-label").hidden = false;
    document.getElementById("now-at").hidden = false;
    text(document.getElementById("now-label"), call.label);
    text(document.getElementById("now-counter"), String(call.counter));
  }

  function connect() {
    var source = new EventSource(body.dataset.events);
    source.addEventListener("open", function () { document.getElementById("connection").hidden = true; });
    source.addEventListener("error", function () { document.getElementById("connection").hidden = false; });
    source.addEventListener("state", function (event) { renderState(JSON.parse(event.data)); });
    source.addEventListener("call", function (event) {
      var call = JSON.parse(event.data);
      showCall(call);
      body.dataset.lastCall = call.label + "@" + call.counter;
      var now = document.querySelector(".display__now");
      now.classList.remove("flash-call"); void now.offsetWidth; now.classList.add("flash-call");
      chime();
      speak(call.announcementMs, "ms-MY");
      speak(call.announcementEn, "en-GB");
    });
  }
  // The clock, in Malaysian time whatever the screen's own zone, so people can judge their wait.
  var clock = document.getElementById("clock");
  var parts = new Intl.DateTimeFormat("en-GB", { hour: "numeric", minute: "2-digit", hourCycle: "h23", timeZone: "Asia/Kuala_Lumpur" });
  // Written as the server writes times (MalaysianTime.time): "4:05 ptg", "4:05 pm".
  function tick() {
    var p = {};
    parts.formatToParts(new Date()).forEach(function (part) { p[part.type] = part.value; });
    var hour = Number(p.hour), twelve = hour % 12 === 0 ? 12 : hour % 12;
    var period = strings.lang === "ms" ? (hour < 12 ? "pagi" : hour === 12 ? "tgh" : hour < 19 ? "ptg" : "mlm") : (hour < 12 ? "am" : "pm");
    text(clock, twelve + ":" + p.minute + " " + period);
  }
  tick();
  setInterval(tick, 1000);
  connect();
})();
