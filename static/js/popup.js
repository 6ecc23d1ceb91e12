// Links marked data-popup="<dialog id>" load their page into the dialog (htmx) and
// open it: a client's points history from the clients report, "Add points" from the
// menu, a report row or the client page. Without JavaScript the link opens the page.
// It opens once the content has settled: htmx brings its controls to life then.
document.addEventListener("htmx:afterSettle", (event) => {
  const trigger = event.detail.requestConfig && event.detail.requestConfig.elt;
  const dialogId = trigger && trigger.dataset ? trigger.dataset.popup : null;
  const dialog = dialogId ? document.getElementById(dialogId) : null;
  if (dialog && !dialog.open) {
    dialog.showModal();
  }
});
