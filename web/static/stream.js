// Streaming a reply while it is recorded (README "Fast feedback"): 16 kHz PCM from an AudioWorklet
// over a WebSocket, so the server transcribes each finished phrase while the trainee speaks.
// The upload in recorder.js stays the fallback when streaming cannot start.
"use strict";

const VoiceStream = {
  // Start sending `mediaStream` to the WebSocket at `path`; resolves once the socket is open.
  async open(path, mediaStream) {
    const token = document.querySelector('meta[name="csrf-token"]');
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const query = `${path.includes("?") ? "&" : "?"}csrf=${encodeURIComponent(token ? token.content : "")}`;
    const socket = new WebSocket(`${scheme}://${location.host}${path}${query}`);
    socket.binaryType = "arraybuffer";
    await new Promise((resolve, reject) => {
      socket.onopen = resolve;
      socket.onerror = () => reject(new Error("no stream"));
    });
    const context = new AudioContext({ sampleRate: 16000 });  // the browser resamples the microphone
    await context.audioWorklet.addModule("/static/pcm-worklet.js");
    const node = new AudioWorkletNode(context, "pcm-capture");
    context.createMediaStreamSource(mediaStream).connect(node);
    node.connect(context.destination);  // silent: the worklet writes no output, but is pulled

    let stored = null;
    let failure = null;
    const answers = [];
    socket.onmessage = (event) => {
      const message = JSON.parse(event.data);
      if (message.type === "stored") stored = message;
      if (message.type === "error") failure = message.error;
      answers.splice(0).forEach((wake) => wake());
    };
    socket.onclose = () => answers.splice(0).forEach((wake) => wake());
    let flushed = null;
    node.port.onmessage = (event) => {
      if (event.data === "flushed") return flushed && flushed();
      if (socket.readyState === WebSocket.OPEN) socket.send(event.data);
    };
    const settled = () => stored || failure || socket.readyState === WebSocket.CLOSED;

    return {
      // Stop: send the last samples and "stop"; resolves with the same answer as an upload.
      // Rejects with `cut: true` when the connection broke: the server kept what arrived.
      async finish() {
        await new Promise((resolve) => { flushed = resolve; node.port.postMessage("flush"); });
        context.close();
        if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: "stop" }));
        while (!settled()) await new Promise((wake) => answers.push(wake));
        if (stored) return { turn_id: stored.turn_id, job_id: stored.job_id, status: stored.status };
        if (failure) throw { ...failure, cut: false };
        throw { cut: true, message: "De verbinding viel weg tijdens de opname. Wat al binnen was, wordt geanalyseerd." };
      },
    };
  },
};

// recorder.js's upload: a streamed reply is stored already. Without a stream, or when the server
// refused it, the recording is uploaded; after a cut connection the turn made of what arrived is
// followed instead (uploading it too would be refused while that turn is analysed).
VoiceStream.finishOrUpload = async (blob, turnsUrl, upload) => {
  const live = blob.live;
  blob.live = null;  // "Opnieuw proberen" uploads
  try {
    return await live.finish();
  } catch (error) {
    if (!error.cut) return upload();
    const conversation = await (await fetch(turnsUrl.replace(/\/turns(\?.*)?$/, ""))).json();
    const last = conversation.turns[conversation.turns.length - 1];
    if (last && (last.status === "queued" || last.status === "running")) return { turn_id: last.id, status: last.status };
    return upload();
  }
};
