// Microphone recording with a live level meter (MediaRecorder, WebM/Opus), and upload with progress.
"use strict";

// State-changing requests carry the session's CSRF token (from the page's meta tag).
function csrfHeaders(extra = {}) {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? { ...extra, "X-CSRF-Token": meta.content } : extra;
}

const VoiceRecorder = {
  async start(meter) {
    // No automatic gain or noise suppression: VoiceCoach measures how loud you really speak.
    const stream = await navigator.mediaDevices.getUserMedia({
      audio: { autoGainControl: false, noiseSuppression: false, echoCancellation: false },
    });
    const context = new AudioContext();
    const analyser = context.createAnalyser();
    context.createMediaStreamSource(stream).connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    const chunks = [];
    const recorder = new MediaRecorder(stream, { mimeType: "audio/webm;codecs=opus" });
    recorder.ondataavailable = (event) => chunks.push(event.data);
    let running = true;
    const draw = () => {
      if (!running) return;
      analyser.getFloatTimeDomainData(samples);
      meter.value = Math.min(1, Math.sqrt(samples.reduce((sum, x) => sum + x * x, 0) / samples.length) * 4);
      requestAnimationFrame(draw);
    };
    recorder.start(250);
    draw();
    return {
      stop: () => new Promise((resolve) => {
        recorder.onstop = () => {
          running = false;
          meter.value = 0;
          stream.getTracks().forEach((track) => track.stop());
          context.close();
          resolve(new Blob(chunks, { type: "audio/webm" }));
        };
        recorder.stop();
      }),
    };
  },

  upload(url, blob, progress) {
    return new Promise((resolve, reject) => {
      const request = new XMLHttpRequest();
      request.open("POST", url);
      request.setRequestHeader("Content-Type", blob.type || "application/octet-stream");
      Object.entries(csrfHeaders()).forEach(([name, value]) => request.setRequestHeader(name, value));
      if (progress) {
        progress.hidden = false;
        request.upload.onprogress = (event) => { if (event.lengthComputable) progress.value = event.loaded / event.total; };
      }
      request.onload = () => {
        const body = JSON.parse(request.responseText || "{}");
        request.status < 300 ? resolve(body) : reject(body.error || { message: "Er ging iets mis bij het versturen." });
      };
      request.onerror = () => reject({ message: "De verbinding viel weg tijdens het versturen. Probeer het opnieuw." });
      request.send(blob);
    });
  },

  async poll(url, isDone, intervalMs = 500) {
    for (;;) {
      const response = await fetch(url);
      const body = await response.json();
      if (isDone(body)) return body;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  },
};
