// The register, enhanced: the payment shows what is still to pay or the change due as
// amounts are typed, "The rest" puts the remainder on a tender, and the quick search is
// driven by keyboard (Enter adds the first match, arrows move through the matches, and
// focus comes back to the search after an item is added). Without it every form posts.
(() => {
  const money = (value, currency) => new Intl.NumberFormat(document.documentElement.lang || "en",
    { style: "currency", currency }).format(value);
  const amount = (input) => {
    const value = parseFloat((input && input.value || "").replace(",", "."));
    return Number.isFinite(value) && value > 0 ? Math.round(value * 100) : 0;
  };

  function tenders(register) {
    const form = register.querySelector("[data-tenders]");
    if (!form) return null;
    return { form, total: Math.round(parseFloat(register.dataset.total) * 100),
             cash: form.elements.cash, card: form.elements.card, gift_card: form.elements.gift_card };
  }

  function showBalance(register) {
    const t = tenders(register);
    if (!t) return;
    const paid = amount(t.cash) + amount(t.card) + amount(t.gift_card);
    const remaining = t.total - paid;
    const box = t.form.querySelector("[data-balance]");
    const currency = register.dataset.currency;
    box.hidden = false;
    box.querySelector("[data-remaining-row]").hidden = remaining <= 0;
    box.querySelector("[data-remaining]").textContent = money(Math.max(remaining, 0) / 100, currency);
    // Change comes only out of cash: card and gift card pay exactly.
    const change = remaining < 0 && amount(t.cash) > 0 ? -remaining : 0;
    box.querySelector("[data-change-row]").hidden = change === 0;
    box.querySelector("[data-change]").textContent = money(change / 100, currency);
    box.hidden = remaining <= 0 && change === 0;
    t.form.querySelectorAll("[data-rest]").forEach((button) => { button.hidden = false; });
    // A reference is asked for only once its tender has an amount.
    [t.card, t.gift_card].forEach((input) => {
      const reference = input.closest(".register-tender").querySelector(".register-ref");
      reference.hidden = !amount(input) && !reference.value && !input.closest(".field-invalid");
    });
  }

  function init() {
    document.querySelectorAll("[data-register]").forEach(showBalance);
  }

  document.addEventListener("input", (event) => {
    const register = event.target.closest("[data-register]");
    if (register && event.target.closest("[data-tenders]")) showBalance(register);
  });

  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-rest]");
    if (!button) return;
    const register = button.closest("[data-register]");
    const t = tenders(register);
    const others = ["cash", "card", "gift_card"].filter((name) => name !== button.dataset.rest)
      .reduce((sum, name) => sum + amount(t[name]), 0);
    const rest = Math.max(t.total - others, 0);
    t[button.dataset.rest].value = rest ? (rest / 100).toFixed(2) : "";
    t[button.dataset.rest].focus();
    showBalance(register);
  });

  document.addEventListener("keydown", (event) => {
    const find = event.target.closest("#register-find");
    const result = event.target.closest("[data-result]");
    const results = () => [...document.querySelectorAll("#catalogue-results [data-result]")];
    if (find && event.key === "Enter" && results().length) {
      event.preventDefault();
      results()[0].click();
    } else if (find && event.key === "ArrowDown" && results().length) {
      event.preventDefault();
      results()[0].focus();
    } else if (result && (event.key === "ArrowDown" || event.key === "ArrowUp")) {
      event.preventDefault();
      const all = results();
      const next = all.indexOf(result) + (event.key === "ArrowDown" ? 1 : -1);
      (next < 0 ? document.getElementById("register-find") : all[Math.min(next, all.length - 1)]).focus();
    } else if (find && event.key === "Escape") {
      find.value = "";
      document.getElementById("catalogue-results").replaceChildren();
    }
  });

  // After an item is added the register is swapped: type the next one straight away;
  // after + or - the focus stays on the same button.
  let refocus = null;
  document.addEventListener("htmx:beforeRequest", (event) => {
    // Only requests that swap the register decide; the search's own requests do not.
    if (!event.detail.target || event.detail.target.id !== "draft") return;
    const active = document.activeElement;
    if (event.target.closest && event.target.closest("#catalogue-results")) {
      refocus = "#register-find";
    } else if (active && active.closest(".register-qty") && active.getAttribute("aria-label")) {
      refocus = `[aria-label="${CSS.escape(active.getAttribute("aria-label"))}"]`;
    } else {
      refocus = null;
    }
  });
  document.addEventListener("htmx:afterSettle", (event) => {
    if (event.target.id !== "draft" && !(event.target.closest && event.target.closest("#draft"))) return;
    init();
    const target = refocus && document.querySelector(refocus);
    if (target && !target.disabled) target.focus();
    else if (refocus) document.getElementById("register-find")?.focus();
    refocus = null;
  });
  document.addEventListener("DOMContentLoaded", init);
})();
