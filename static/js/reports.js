// Reports: links marked data-popup="<dialog id>" load their page into the dialog (htmx)
// and open it, e.g. a client's points history from the clients report. Without
// JavaScript the link opens the page itself.
document.addEventListener("htmx:afterSwap", (event) => {
  const trigger = event.detail.requestConfig && event.detail.requestConfig.elt;
  const dialogId = trigger && trigger.dataset ? trigger.dataset.popup : null;
  const dialog = dialogId ? document.getElementById(dialogId) : null;
  if (dialog && !dialog.open) {
    dialog.showModal();
  }
});
