// Streaming a reply while it is recorded (README "Fast feedback"): 16 kHz PCM from an AudioWorklet
// over a WebSocket, so the server transcribes each finished phrase while the trainee speaks.
// The recording the page keeps (recorder.js) is uploaded instead whenever the stream cannot start,
// is refused, or did not carry the whole reply.
"use strict";

const STREAM_RATE = 16000;
const READY_MS = 5000;  // socket open and the microphone heard by the worklet, or the upload it is
const FLUSH_MS = 2000;  // the worklet's last samples after Stop
const MISSING_S = 0.5;  // more of the reply missing from the stream than this: upload it instead
const ANALYSED_MS = 185000;  // the server says "analysed" within 180 s (then the page polls)

const within = (promise, ms) => Promise.race([
  promise, new Promise((resolve, reject) => setTimeout(() => reject(new Error("timeout")), ms)),
]);

const VoiceStream = {
  // Resolves once the socket is open and the worklet hears `mediaStream` (the caller starts its own
  // recording then, so both begin together); rejects when either does not happen in time.
  // `onCue(message)`: a live cue the server sent (only when `path` asks for cues).
  async open(path, mediaStream, onCue = () => {}) {
    const token = document.querySelector('meta[name="csrf-token"]');
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const query = `${path.includes("?") ? "&" : "?"}csrf=${encodeURIComponent(token ? token.content : "")}`;
    const socket = new WebSocket(`${scheme}://${location.host}${path}${query}`);
    socket.binaryType = "arraybuffer";
    const context = new AudioContext({ sampleRate: STREAM_RATE });  // the browser resamples the microphone
    let sent = 0;  // samples sent to the server
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
    let started = null;
    let flushed = null;
    let node;
    try {
      await within(Promise.all([
        new Promise((resolve, reject) => {
          socket.onopen = resolve;
          socket.addEventListener("close", () => reject(new Error("no stream")));  // refused, or no server
        }),
        context.audioWorklet.addModule("/static/pcm-worklet.js"),
      ]), READY_MS);
      node = new AudioWorkletNode(context, "pcm-capture");
      const hearing = new Promise((resolve) => { started = resolve; });
      node.port.onmessage = (event) => {
        if (event.data === "started") return started();
        if (event.data === "flushed") return flushed && flushed();
        if (socket.readyState !== WebSocket.OPEN) return;
        socket.send(event.data);
        sent += event.data.byteLength / 2;
      };
      context.createMediaStreamSource(mediaStream).connect(node);
      node.connect(context.destination);  // silent: the worklet writes no output, but is pulled
      await context.resume();  // a context made after an await may start suspended
      await within(hearing, READY_MS);
    } catch (error) {
      socket.close();  // nothing was sent: the server stores nothing
      context.close();
      throw error;
    }

    return {
      // Stop after `recordedSeconds` of the page's own recording: send the last samples and "stop";
      // resolves with the upload's answer plus `analysed` (resolves when the feedback is ready, or
      // the socket closed). Rejects with `cut: true` when the connection broke (the server kept
      // what arrived); with `cut: false` when the page should upload its recording instead.
      async finish(recordedSeconds) {
        const whole = await within(new Promise((resolve) => { flushed = () => resolve(true); node.port.postMessage("flush"); }), FLUSH_MS).catch(() => false);
        context.close();
        if (socket.readyState === WebSocket.OPEN && !failure) {
          if (recordedSeconds - sent / STREAM_RATE > MISSING_S) {  // samples lost on the way: upload
            // What was missing goes with the cancel, for the server's log.
            socket.send(JSON.stringify({ type: "cancel", streamed_seconds: sent / STREAM_RATE, recorded_seconds: recordedSeconds, flushed: whole }));
            socket.close();
            throw { cut: false, message: "De stream was onvolledig." };
          }
          socket.send(JSON.stringify({ type: "stop" }));
        }
        await until(() => stored || failure || socket.readyState === WebSocket.CLOSED);
        if (stored) {
          const done = within(until(() => analysed || socket.readyState === WebSocket.CLOSED), ANALYSED_MS).catch(() => {});
          return { turn_id: stored.turn_id, job_id: stored.job_id, status: stored.status, analysed: done };
        }
        if (failure) throw { ...failure, cut: false };
        throw { cut: true, message: "De verbinding viel weg tijdens de opname. Wat al binnen was, wordt geanalyseerd." };
      },
    };
  },
};

// recorder.js's upload: a streamed reply is stored already. Without a stream, or when the server
// refused it or it was incomplete, the recording is uploaded; after a cut connection the turn made
// of what arrived is followed instead (uploading it too would be refused while that turn is analysed).
VoiceStream.finishOrUpload = async (blob, turnsUrl, upload) => {
  const live = blob.live;
  blob.live = null;  // "Opnieuw proberen" uploads
  try {
    return await live.finish(blob.seconds);
  } catch (error) {
    if (!error.cut) return upload();
    const conversation = await (await fetch(turnsUrl.replace(/\/turns(\?.*)?$/, ""))).json();
    const last = conversation.turns[conversation.turns.length - 1];
    if (last && (last.status === "queued" || last.status === "running")) return { turn_id: last.id, status: last.status };
    return upload();
  }
};
