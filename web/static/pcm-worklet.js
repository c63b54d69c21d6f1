// AudioWorklet for stream.js: the microphone as 16-bit PCM in 250 ms chunks (the context runs at 16 kHz).
"use strict";

const CHUNK = 4000;

class PcmCapture extends AudioWorkletProcessor {
  constructor() {
    super();
    this.buffer = new Int16Array(CHUNK);
    this.filled = 0;
    this.started = false;
    // "flush": send what is left, then say so, so that Stop follows the last sample.
    this.port.onmessage = () => {
      if (this.filled) this.port.postMessage(this.buffer.slice(0, this.filled).buffer);
      this.filled = 0;
      this.port.postMessage("flushed");
    };
  }

  process(inputs) {
    const channel = inputs[0] && inputs[0][0];
    if (!channel) return true;
    if (!this.started) {  // the microphone's samples reach the worklet: recording may start
      this.started = true;
      this.port.postMessage("started");
    }
    for (let i = 0; i < channel.length; i += 1) {
      const sample = Math.max(-1, Math.min(1, channel[i]));
      this.buffer[this.filled] = sample < 0 ? sample * 32768 : sample * 32767;
      this.filled += 1;
      if (this.filled === CHUNK) {
        this.port.postMessage(this.buffer.buffer, [this.buffer.buffer]);
        this.buffer = new Int16Array(CHUNK);
        this.filled = 0;
      }
    }
    return true;
  }
}

registerProcessor("pcm-capture", PcmCapture);
