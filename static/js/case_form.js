// Case form: add and remove party and source rows without a reload, and search the
// registry and earlier cases as a person types. Without this script the form still works:
// the formsets carry a "Remove" checkbox each, and typed names are matched on the server.
(() => {
  const form = document.getElementById("case-form");
  if (!form) return;
  const status = document.getElementById("formset-status");

  // The technology item applies to a technology export only: shown for that form (and
  // whenever it holds a value, so a wrong one is seen and cleared).
  const productForm = document.getElementById("id_product_form");
  const showTechnology = () => {
    form.querySelectorAll("[data-show-for-form]").forEach((el) => {
      const select = el.querySelector("select");
      el.hidden = productForm.value !== el.dataset.showForForm && !(select && select.value);
    });
  };
  if (productForm) {
    productForm.addEventListener("change", showTechnology);
    showTechnology();
  }
  const say = (text) => {
    if (status) status.textContent = text;
  };

  // --- rows ---------------------------------------------------------------------------

  const WHAT = { parties: "Party", sources: "Source" };

  function visibleRows(formset) {
    return [...formset.querySelectorAll("[data-rows] > [data-row]")].filter((r) => !r.hidden);
  }

  // Rows are numbered as shown ("Party 3"), as the server numbers its error messages;
  // a removed row loses its number.
  function renumber(formset) {
    let n = 0;
    formset.querySelectorAll("[data-rows] > [data-row]").forEach((row) => {
      const label = row.hidden ? "" : String(++n);
      row.querySelectorAll(".row-no-text").forEach((el) => {
        el.textContent = label;
      });
    });
  }

  function enhance(row) {
    // The script's button replaces the no-script checkbox.
    row.querySelectorAll(".remove-check").forEach((label) => {
      label.hidden = true;
    });
    row.querySelectorAll("[data-remove-row]").forEach((button) => {
      button.hidden = false;
    });
  }

  function addRow(formset) {
    const prefix = formset.dataset.formset;
    const total = formset.querySelector(`input[name="${prefix}-TOTAL_FORMS"]`);
    const index = Number(total.value);
    const html = formset.querySelector("template[data-empty-row]").innerHTML;
    const holder = document.createElement("template");
    holder.innerHTML = html.replace(/__prefix__/g, String(index)).trim();
    const row = holder.content.firstElementChild;
    formset.querySelector("[data-rows]").appendChild(row);
    total.value = String(index + 1);
    enhance(row);
    renumber(formset);
    const number = visibleRows(formset).length;
    say(`${WHAT[prefix]} ${number} added.`);
    const first = row.querySelector("select, input:not([type=hidden]):not([type=checkbox])");
    if (first) first.focus();
  }

  function removeRow(formset, row) {
    const rows = visibleRows(formset);
    const at = rows.indexOf(row);
    const box = row.querySelector('input[type=checkbox][name$="-DELETE"]');
    if (box) box.checked = true;
    row.hidden = true;
    renumber(formset);
    say(`${WHAT[formset.dataset.formset]} ${at + 1} removed.`);
    // Keep the keyboard where it was: the next row, else the previous, else "Add".
    const left = visibleRows(formset);
    const next = left[at] || left[at - 1];
    const target = next
      ? next.querySelector("select, input:not([type=hidden]):not([type=checkbox])")
      : formset.querySelector("[data-add-row]");
    if (target) target.focus();
  }

  form.querySelectorAll("[data-formset]").forEach((formset) => {
    formset.querySelectorAll("[data-rows] > [data-row]").forEach(enhance);
  });

  form.addEventListener("click", (event) => {
    const add = event.target.closest("[data-add-row]");
    if (add) {
      addRow(add.closest("[data-formset]"));
      return;
    }
    const remove = event.target.closest("[data-remove-row]");
    if (remove) removeRow(remove.closest("[data-formset]"), remove.closest("[data-row]"));
  });

  // A source's elements, left blank, are read from its input ("NdPr" -> Nd Pr): show
  // what will be read as the placeholder.
  const isSourceLabel = (el) => Boolean(el.name) && /^sources-\d+-label$/.test(el.name);
  function hintElements(label) {
    const elements = label.closest("[data-row]").querySelector("[data-symbols]");
    const symbols = label.value.match(/[A-Z][a-z]?/g);
    if (elements) elements.placeholder = symbols ? symbols.join(" ") : "from input";
  }
  form.querySelectorAll("[data-rows] input").forEach((el) => {
    if (isSourceLabel(el)) hintElements(el);
  });
  form.addEventListener("input", (event) => {
    if (isSourceLabel(event.target)) hintElements(event.target);
  });

  // --- search as you type -------------------------------------------------------------

  const URLS = { producers: form.dataset.producersUrl, parties: form.dataset.partiesUrl };
  const found = new Map(); // datalist id -> Map(lower-case name -> result)
  let timer = null;
  let controller = null;

  const groupShort = (name) => name.split(" (")[0].split(",")[0];

  function describe(kind, item) {
    if (kind === "parties") {
      const ids = [item.country, item.uscc || item.lei].filter(Boolean).join(" · ");
      const used = `${item.cases} case${item.cases === 1 ? "" : "s"}`;
      return ids ? `${ids} — ${used}` : used;
    }
    return [item.name_zh, item.group ? groupShort(item.group) : "no group", item.kind_label]
      .filter(Boolean)
      .join(" · ");
  }

  function fill(list, kind, results) {
    const byName = new Map();
    list.replaceChildren(
      ...results.map((item) => {
        byName.set(item.name.toLowerCase(), item);
        const option = document.createElement("option");
        option.value = item.name;
        option.label = describe(kind, item);
        return option;
      }),
    );
    found.set(list.id, byName);
  }

  function note(input, html) {
    const el = input.parentElement.querySelector("[data-note]");
    if (el) el.innerHTML = html;
  }

  function setIfBlank(row, suffix, value) {
    const field = row.querySelector(`[name$="-${suffix}"]`);
    if (field && !field.value && value) field.value = value;
  }

  // Called on every keystroke and on picking a suggestion: an exact match is a choice.
  function match(input, settled) {
    const kind = input.dataset.lookup;
    const row = input.closest("[data-row]");
    const item = (found.get(input.getAttribute("list")) || new Map()).get(
      input.value.trim().toLowerCase(),
    );
    if (kind === "parties") {
      if (!item) return;
      ["country", "uscc", "lei", "registry_number"].forEach((f) => setIfBlank(row, f, item[f]));
      if (item.producer) {
        setIfBlank(row, "record", item.record);
        setIfBlank(row, "producer", String(item.producer));
      }
      return;
    }
    const hidden = input.parentElement.querySelector('input[type=hidden][name$="-producer"]');
    if (item) {
      if (hidden) hidden.value = String(item.id);
      const what = [item.group && groupShort(item.group), item.kind_label].filter(Boolean);
      note(input, `<span class="match-ok">✔ Registry: ${escape(what.join(" · "))}</span>`);
      if (input.name.endsWith("-record")) {
        // A registry record picked for an unnamed party names it.
        setIfBlank(row, "name", item.name);
        setIfBlank(row, "uscc", item.uscc);
        if (item.uscc) setIfBlank(row, "country", "CN");
      }
    } else {
      if (hidden) hidden.value = "";
      if (!settled) return;
      if (!input.value.trim()) note(input, "");
      else if (input.dataset.upstream)
        note(input, '<span class="match-none">○ Not in the registry: kept as declared</span>');
      else note(input, '<span class="match-none">○ No registry record of this name</span>');
    }
  }

  function escape(text) {
    const div = document.createElement("div");
    div.textContent = text;
    return div.innerHTML;
  }

  async function search(input) {
    const kind = input.dataset.lookup;
    const list = document.getElementById(input.getAttribute("list"));
    const q = input.value.trim();
    if (!list || q.length < 2) return;
    if (controller) controller.abort();
    controller = new AbortController();
    const params = new URLSearchParams({ q });
    if (input.dataset.upstream) params.set("upstream", "1");
    try {
      const response = await fetch(`${URLS[kind]}?${params}`, {
        headers: { Accept: "application/json" },
        signal: controller.signal,
      });
      if (!response.ok) return;
      const data = await response.json();
      fill(list, kind, data.results);
      match(input, true);
    } catch (error) {
      if (error.name !== "AbortError") throw error;
    }
  }

  form.addEventListener("input", (event) => {
    const input = event.target.closest("input[data-lookup]");
    if (!input) return;
    match(input, false);
    clearTimeout(timer);
    timer = setTimeout(() => search(input), 150);
  });
  form.addEventListener("change", (event) => {
    const input = event.target.closest("input[data-lookup]");
    if (input) match(input, true);
  });
})();
