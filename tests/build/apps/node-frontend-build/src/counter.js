export function makeCounter(start = 0) {
  let n = start;
  return { inc: () => ++n, value: () => n };
}
