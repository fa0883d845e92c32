// Case form: clicking a suggested tariff line fills the HS code field.
document.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-hs]");
  if (!button) return;
  const input = document.getElementById("id_hs_code");
  if (input) {
    input.value = button.dataset.hs;
    input.focus();
  }
});
