// Attendance at the door: the phone's camera reads each resident's QR code in the browser (BarcodeDetector where
// the browser has it, the vendored jsQR elsewhere) and posts it; the leader sees the name at once.
(function () {
  "use strict";
  var box = document.getElementById("scanner");
  if (!box) return;
  var video = box.querySelector("[data-scan-video]");
  var result = box.querySelector("[data-scan-result]");
  var start = box.querySelector("[data-scan-start]");
  var stop = box.querySelector("[data-scan-stop]");
  var csrf = document.querySelector("input[name=csrfmiddlewaretoken]");
  var stream = null, detector = null, canvas = document.createElement("canvas"), last = "", timer = null;

  function post(text) {
    var body = new URLSearchParams();
    body.append("token", text);
    return fetch(box.getAttribute("data-scan-url"), {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "X-CSRFToken": csrf ? csrf.value : "", "Accept": "application/json" },
    }).then(function (r) { return r.json(); }).then(function (data) {
      result.textContent = data.ok ? box.getAttribute("data-msg-in") + ": " + data.name : data.message;
      if (data.ok && navigator.vibrate) navigator.vibrate(120);
    }).catch(function () { result.textContent = "…"; last = ""; });
  }
  function found(text) {
    if (!text || text === last) return;
    last = text;
    post(text);
  }
  function frame() {
    if (!stream) return;
    if (detector) {
      detector.detect(video).then(function (codes) { if (codes.length) found(codes[0].rawValue); }).catch(function () {});
    } else if (window.jsQR && video.videoWidth) {
      canvas.width = video.videoWidth; canvas.height = video.videoHeight;
      var context = canvas.getContext("2d", { willReadFrequently: true });
      context.drawImage(video, 0, 0);
      var code = window.jsQR(context.getImageData(0, 0, canvas.width, canvas.height).data, canvas.width, canvas.height);
      if (code) found(code.data);
    }
    timer = setTimeout(frame, 300);
  }
  function load(src) {
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = src; script.onload = resolve; script.onerror = reject;
      document.head.appendChild(script);
    });
  }
  start.addEventListener("click", function () {
    var ready = ("BarcodeDetector" in window)
      ? Promise.resolve().then(function () { detector = new window.BarcodeDetector({ formats: ["qr_code"] }); })
      : load(box.getAttribute("data-jsqr"));
    ready.then(function () {
      return navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
    }).then(function (media) {
      stream = media;
      video.srcObject = media; video.hidden = false; start.hidden = true; stop.hidden = false;
      return video.play();
    }).then(frame).catch(function () { result.textContent = box.getAttribute("data-msg-no-camera"); });
  });
  stop.addEventListener("click", function () {
    clearTimeout(timer);
    if (stream) stream.getTracks().forEach(function (t) { t.stop(); });
    stream = null; video.hidden = true; start.hidden = false; stop.hidden = true;
  });
})();
