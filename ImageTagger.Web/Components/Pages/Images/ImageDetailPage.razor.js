// ← / → on the image detail page follow its previous/next links (Blazor turns the click into an in-app navigation).
// Keys typed into a field, or with a modifier, are left alone.
let handler = null;

function isTyping(event) {
  return event.composedPath().some((el) => el instanceof HTMLElement &&
    (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName) || /^FLUENT-(TEXT-INPUT|TEXTAREA|SELECT|DROPDOWN|COMBOBOX)/.test(el.tagName)));
}

export function listenForArrows() {
  stopListening();
  handler = (event) => {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey || isTyping(event)) return;
    const which = event.key === 'ArrowLeft' ? 'previous' : event.key === 'ArrowRight' ? 'next' : null;
    const link = which && document.querySelector(`a[data-nav="${which}"]`);
    if (link) {
      event.preventDefault();
      link.click();
    }
  };
  document.addEventListener('keydown', handler);
  document.documentElement.dataset.arrowKeys = 'on'; // tells the browser tests the keys are live
}

export function stopListening() {
  if (handler) document.removeEventListener('keydown', handler);
  handler = null;
  delete document.documentElement.dataset.arrowKeys;
}
