// Streaming a reply while it is recorded (README "Fast feedback"): the page's MediaRecorder chunks
// (WebM/Opus, every 250 ms) go over a WebSocket as they are made, so the server transcribes each
// finished phrase while the trainee speaks. They are the same chunks the page keeps for the upload:
// an AudioWorklet's PCM lost samples whenever a busy machine delayed the browser's audio thread.
// The recording is uploaded instead whenever the stream cannot start or is refused.
"use strict";

const READY_MS = 5000;  // the socket open, or the page records for the upload only
const ANALYSED_MS = ANALYSIS_LIMIT_MS;  // recorder.js; the page waits this long in all (conversation.js follow)

const within = (promise, ms) => Promise.race([
  promise, new Promise((resolve, reject) => setTimeout(() => reject(new Error("timeout")), ms)),
]);

const VoiceStream = {
  // Resolves once the socket is open (the caller starts its recorder then, so the stream holds the
  // whole recording from its first chunk, the one with the WebM header); rejects when it does not open.
  // `onCue(message)`: a live cue the server sent (only when `path` asks for cues).
  async open(path, onCue = () => {}) {
    const token = document.querySelector('meta[name="csrf-token"]');
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const query = `${path.includes("?") ? "&" : "?"}format=webm&csrf=${encodeURIComponent(token ? token.content : "")}`;
    const socket = new WebSocket(`${scheme}://${location.host}${path}${query}`);
    let stored = null;
    let failure = null;
    let analysed = null;
    const answers = [];
    const wakeAll = () => answers.splice(0).forEach((wake) => wake());
    socket.onmessage = (event) => {
      const message = JSON.parse(event.data);
      if (message.type === "stored") stored = message;
      if (message.type === "analysed") analysed = message;
      if (message.type === "error") failure = message.error;
      if (message.type === "cue") return onCue(message);
      wakeAll();
    };
    socket.onclose = wakeAll;
    const until = async (condition) => { while (!condition()) await new Promise((wake) => answers.push(wake)); };
    try {
      await within(new Promise((resolve, reject) => {
        socket.onopen = resolve;
        socket.addEventListener("close", () => reject(new Error("no stream")));  // refused, or no server
      }), READY_MS);
    } catch (error) {
      socket.close();  // nothing was sent: the server stores nothing
      throw error;
    }

    return {
      // One of the recorder's chunks; after a cut the server keeps what arrived before it.
      send(chunk) {
        if (socket.readyState === WebSocket.OPEN) socket.send(chunk);
      },
      // After the recorder's last chunk: "stop"; resolves with the upload's answer plus `analysed`
      // (resolves when the feedback is ready, or the socket closed). Rejects when the connection
      // broke (the server kept what arrived) or the server refused the reply: the page uploads its
      // recording instead, and hears why.
      async finish() {
        if (socket.readyState === WebSocket.OPEN && !failure) socket.send(JSON.stringify({ type: "stop" }));
        await until(() => stored || failure || socket.readyState === WebSocket.CLOSED);
        if (stored) {
          const done = within(until(() => analysed || socket.readyState === WebSocket.CLOSED), ANALYSED_MS).catch(() => {});
          return { turn_id: stored.turn_id, job_id: stored.job_id, status: stored.status, analysed: done };
        }
        throw failure || new Error("cut");
      },
    };
  },
};

// recorder.js's upload: a streamed reply is stored already. Without a stream, when the server
// refused it, or after a cut connection, the recording is uploaded. Stream and upload carry the
// same reply id (VoiceRecorder.replyUrl), so after a cut the server answers with the turn made of
// what arrived when it has one, and stores the upload when it has not: the reply is stored once.
VoiceStream.finishOrUpload = async (blob, upload) => {
  const live = blob.live;
  blob.live = null;  // "Opnieuw proberen" uploads
  try {
    return await live.finish();
  } catch {
    return upload();
  }
};
