// A short tone made with WebAudio (no sound file to load): the console's alerts and the
// widget's, when a person writes while the page is in the background.

export class Chime {
  private audio: AudioContext | null = null;

  /** Browsers let a page make sound only after a gesture: call this from one (a click, a
   * key). Until then, `play` is silent. */
  unlock(): void {
    if (!this.audio && typeof AudioContext === "function") this.audio = new AudioContext();
    if (this.audio && this.audio.state === "suspended") void this.audio.resume();
  }

  /** Two short rising notes, quiet: noticed without startling. */
  play(): void {
    const audio = this.audio;
    if (!audio || audio.state !== "running") return;
    const start = audio.currentTime;
    const oscillator = audio.createOscillator();
    const gain = audio.createGain();
    oscillator.type = "sine";
    oscillator.frequency.setValueAtTime(880, start);
    oscillator.frequency.setValueAtTime(1320, start + 0.09);
    gain.gain.setValueAtTime(0.0001, start);
    gain.gain.exponentialRampToValueAtTime(0.15, start + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.25);
    oscillator.connect(gain).connect(audio.destination);
    oscillator.start(start);
    oscillator.stop(start + 0.26);
  }
}
