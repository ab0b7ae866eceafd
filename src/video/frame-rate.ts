/** Rational frame rates, as ffprobe reports them (`30000/1001`). */

/** A rational frame rate, e.g. 30000/1001. */
export interface FrameRate {
  num: number;
  den: number;
}

/** Parses `30000/1001` or `25` into a reduced rational; 0/1 if invalid. */
export function parseFrameRate(text: string | undefined): FrameRate {
  const [n, d = '1'] = (text ?? '').split('/');
  const num = Number(n);
  const den = Number(d);
  if (!Number.isFinite(num) || !Number.isFinite(den) || num <= 0 || den <= 0) {
    return { num: 0, den: 1 };
  }
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  const g = gcd(num, den);
  return { num: num / g, den: den / g };
}

/** `fps` as a number. */
export function fpsValue(fps: FrameRate): number {
  return fps.num / fps.den;
}

/** `30000/1001` for a fractional rate, `24` for a whole one. */
export function rateText(fps: FrameRate): string {
  return fps.den === 1 ? `${fps.num}` : `${fps.num}/${fps.den}`;
}
