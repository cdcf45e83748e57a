// Counts the columns of the gallery's CSS grid (auto-fill tracks of the probe) and tells the page when they change,
// so each virtualized row holds exactly one grid row of cards.
const observers = new WeakMap();

function columns(probe) {
  const tracks = getComputedStyle(probe).gridTemplateColumns.split(' ').filter((t) => t && t !== 'none');
  return Math.max(1, tracks.length);
}

export function observeColumns(probe, page) {
  let last = columns(probe);
  const observer = new ResizeObserver(() => {
    if (!probe.isConnected) return;
    const now = columns(probe);
    if (now !== last) {
      last = now;
      // The page may be gone (navigated away) by the time this lands.
      page.invokeMethodAsync('SetColumns', now).catch(() => {});
    }
  });
  observer.observe(probe);
  observers.set(probe, observer);
  return last;
}

export function disconnect(probe) {
  observers.get(probe)?.disconnect();
  observers.delete(probe);
}
