// On a narrow screen the back office menu folds behind the "Menu" button. This file is
// loaded right after the menu, not deferred, so that a phone never paints it open first;
// without JavaScript the button stays hidden and the menu open.
(() => {
  const menu = document.getElementById("backoffice-menu");
  const toggle = document.querySelector(".nav-toggle");
  if (!menu || !toggle) {
    return;
  }
  const setOpen = (open) => {
    toggle.setAttribute("aria-expanded", String(open));
    menu.classList.toggle("is-open", open);
  };
  menu.classList.add("collapsible");
  toggle.hidden = false;
  toggle.addEventListener("click", () => setOpen(toggle.getAttribute("aria-expanded") !== "true"));
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && menu.classList.contains("is-open")) {
      setOpen(false);
      toggle.focus();
    }
  });
})();
