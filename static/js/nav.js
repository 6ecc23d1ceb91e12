// On a narrow screen the back office menu folds behind the "Menu" button. This file is
// loaded in the head, not deferred: its first line marks the page before anything is
// painted, so a phone never shows the menu open first; without JavaScript the button
// stays hidden and the menu open.
document.documentElement.classList.add("nav-collapsible");

document.addEventListener("DOMContentLoaded", () => {
  const menu = document.getElementById("backoffice-menu");
  const toggle = document.querySelector(".nav-toggle");
  if (!menu || !toggle) {
    return;
  }
  const setOpen = (open) => {
    toggle.setAttribute("aria-expanded", String(open));
    menu.classList.toggle("is-open", open);
  };
  toggle.hidden = false;
  toggle.addEventListener("click", () => setOpen(toggle.getAttribute("aria-expanded") !== "true"));
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && menu.classList.contains("is-open")) {
      setOpen(false);
      toggle.focus();
    }
  });
});
