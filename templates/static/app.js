// Progressive enhancement for the pages: every form also works without this file.
"use strict";

function groupThousands(digits) {
  return digits.replace(/^0+(?=\d)/, "").replace(/\B(?=(\d{3})+(?!\d))/g, ".");
}

// Amounts in đồng show dots between thousands as they are typed: 1250000 → 1.250.000.
function formatMoney(input) {
  const digits = input.value.replace(/\D/g, "");
  const caretFromEnd = input.value.length - (input.selectionStart ?? input.value.length);
  input.value = digits ? groupThousands(digits) : "";
  const caret = Math.max(0, input.value.length - caretFromEnd);
  if (document.activeElement === input) input.setSelectionRange(caret, caret);
}

document.addEventListener("input", (event) => {
  if (event.target.matches("input[data-money]")) formatMoney(event.target);
});

// A form marked data-once is sent once: a second click while it is on its way does nothing.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
    event.preventDefault();
    return;
  }
  if (!form.hasAttribute("data-once")) return;
  if (form.dataset.sent) {
    event.preventDefault();
    return;
  }
  form.dataset.sent = "1";
  for (const button of form.querySelectorAll("button[type=submit]")) {
    button.setAttribute("aria-disabled", "true");
    button.classList.add("busy");
  }
});

// A page the browser brings back (Back, or a restored tab) can be sent again: the form's own
// idempotency key makes that safe, and the volunteer must not have to retype the gift.
window.addEventListener("pageshow", () => {
  for (const form of document.querySelectorAll("form[data-sent]")) {
    delete form.dataset.sent;
    for (const button of form.querySelectorAll("button.busy")) {
      button.classList.remove("busy");
      button.removeAttribute("aria-disabled");
    }
  }
});

function debounce(fn, ms) {
  let timer;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

async function findDonors(text) {
  const response = await fetch(`/gifts/donors?q=${encodeURIComponent(text)}`, {
    headers: { Accept: "application/json" },
    credentials: "same-origin",
  });
  return response.ok ? response.json() : [];
}

function setupGiftForm(form) {
  const donorId = form.querySelector("#donor_id");
  const donorLabel = form.querySelector("#donor_label");
  const chosen = form.querySelector("#donor-chosen");
  const chosenName = form.querySelector("#donor-chosen-name");
  const find = form.querySelector("#donor-find");
  const query = form.querySelector("#donor-q");
  const results = form.querySelector("#donor-results");
  const phone = form.querySelector("#donor_phone");
  const phoneHint = form.querySelector("#phone-hint");

  function describe(donor) {
    return [donor.name, donor.phone, donor.address].filter(Boolean).join(" · ");
  }

  function choose(donor) {
    donorId.value = donor.id;
    donorLabel.value = describe(donor);
    chosenName.textContent = donorLabel.value;
    chosen.hidden = false;
    find.hidden = true;
    results.replaceChildren();
    for (const name of ["donor_name", "donor_phone", "donor_address"]) form.elements[name].value = "";
    form.querySelector("#donor-clear").focus();
  }

  function choices(list, donors) {
    list.replaceChildren(
      ...donors.map((donor) => {
        const item = document.createElement("li");
        const button = document.createElement("button");
        button.type = "button";
        button.className = "result";
        button.textContent = describe(donor);
        button.addEventListener("click", () => choose(donor));
        item.append(button);
        return item;
      }),
    );
  }

  form.querySelector("#donor-clear").addEventListener("click", () => {
    donorId.value = "";
    donorLabel.value = "";
    chosen.hidden = true;
    find.hidden = false;
    query.focus();
  });

  // Enter in the search box searches; it must not send the gift.
  query.addEventListener("keydown", (event) => {
    if (event.key === "Enter") event.preventDefault();
  });

  query.addEventListener(
    "input",
    debounce(async () => {
      const text = query.value.trim();
      if (text.length < 2) {
        results.replaceChildren();
        return;
      }
      const donors = await findDonors(text);
      if (query.value.trim() !== text) return;
      choices(results, donors);
      if (!donors.length) {
        const none = document.createElement("li");
        none.className = "muted";
        none.textContent = "Không tìm thấy. Nhập nhà hảo tâm mới bên dưới.";
        results.append(none);
      }
    }, 250),
  );

  // A new donor whose phone is already known: offer the existing donor instead of a duplicate.
  phone.addEventListener("change", async () => {
    const digits = phone.value.replace(/\D/g, "");
    phoneHint.hidden = true;
    if (digits.length < 8) return;
    const donors = (await findDonors(digits)).filter((d) => d.phone.replace(/\D/g, "") === digits);
    if (!donors.length) return;
    const list = document.createElement("ul");
    list.className = "results";
    choices(list, donors);
    const text = document.createElement("p");
    text.textContent = "Số điện thoại này đã có. Có phải người này không?";
    phoneHint.replaceChildren(text, list);
    phoneHint.hidden = false;
  });

  // Keeping the name on an anonymous gift's receipt only means something for an anonymous gift.
  const anonymous = form.querySelector("#anonymous");
  const nameOnReceipt = form.querySelector("#name-on-receipt");
  const showNameOnReceipt = () => {
    nameOnReceipt.hidden = !anonymous.checked;
  };
  anonymous.addEventListener("change", showNameOnReceipt);
  showNameOnReceipt();

  // A transaction reference belongs to a transfer: for cash it is hidden and not sent.
  const method = form.querySelector("#cash_method");
  const referenceField = form.querySelector("#reference-field");
  const reference = form.querySelector("#cash_reference");
  const showReference = () => {
    const transfer = method.dataset.transfers.split(" ").includes(method.value);
    referenceField.hidden = !transfer;
    reference.disabled = !transfer;
  };
  method.addEventListener("change", showReference);
  showReference();

  // The volunteer confirmed the amount the form showed: another amount must be confirmed anew.
  const confirmLarge = form.querySelector("#confirm_large");
  if (confirmLarge) {
    form.addEventListener("input", (event) => {
      if (event.target.matches("#cash_amount, [name=quantity], [name=unit_value]")) {
        confirmLarge.checked = false;
        form.querySelector("#confirm-large").hidden = true;
      }
    });
  }

  // Goods lines offer the item types of the chosen drive.
  const driveSelect = form.querySelector("#drive_id");
  const itemsByDrive = JSON.parse(form.querySelector("#drive-items").dataset.items || "{}");
  const lines = form.querySelector("#goods-lines");
  const template = form.querySelector("#goods-line-template");
  let lineNumber = lines.children.length;

  function fillItems(select) {
    const keep = select.value;
    const options = (itemsByDrive[driveSelect.value] || []).map((item) => {
      const option = document.createElement("option");
      option.value = item.id;
      option.textContent = `${item.name} (${item.unit})`;
      option.selected = String(item.id) === keep;
      return option;
    });
    // A drive that takes one kind of goods needs no choosing.
    if (options.length === 1) options[0].selected = true;
    const empty = document.createElement("option");
    empty.value = "";
    empty.textContent = "— Chọn —";
    select.replaceChildren(empty, ...options);
  }

  driveSelect.addEventListener("change", () => {
    for (const select of lines.querySelectorAll(".item-select")) fillItems(select);
  });

  form.querySelector("#add-line").addEventListener("click", () => {
    const line = template.content.firstElementChild.cloneNode(true);
    const n = `new${lineNumber++}`;
    for (const field of line.querySelectorAll(".field")) {
      const control = field.querySelector("select, input");
      control.id = `${control.name}-${n}`;
      field.querySelector("label").htmlFor = control.id;
    }
    fillItems(line.querySelector(".item-select"));
    lines.append(line);
    line.querySelector("select").focus();
  });

  lines.addEventListener("click", (event) => {
    if (event.target.matches(".remove-line")) event.target.closest(".goods-line").remove();
  });
}

function setupDesk() {
  const all = document.querySelector("#select-all");
  if (all) {
    all.addEventListener("change", () => {
      for (const box of document.querySelectorAll("input[name=ids]")) box.checked = all.checked;
    });
  }
  const printForm = document.querySelector("#print-form");
  if (printForm) {
    printForm.addEventListener("submit", (event) => {
      const selected = event.submitter && event.submitter.name === "selected";
      if (selected && !document.querySelector("input[name=ids]:checked")) {
        event.preventDefault();
        window.alert("Hãy chọn ít nhất một biên nhận để in.");
      }
    });
  }
  const dialog = document.querySelector("#void-dialog");
  if (!dialog) return;
  const form = dialog.querySelector("#void-form");
  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-void-id]");
    if (!button) return;
    form.action = `/receipts/${button.dataset.voidId}/void`;
    dialog.querySelector("#void-number").textContent = button.dataset.voidNumber;
    dialog.querySelector("#void-reason").value = "";
    delete form.dataset.sent;
    dialog.showModal();
    dialog.querySelector("#void-reason").focus();
  });
  dialog.querySelector("#void-cancel").addEventListener("click", () => dialog.close());
}

// A print opens its PDF in another tab; this page then shows the counts and marks the print changed.
document.addEventListener("submit", (event) => {
  if (!event.defaultPrevented && event.target.matches("form[data-print], #print-form")) {
    setTimeout(() => window.location.reload(), 2500);
  }
});

// A volunteer without a printer sends the donor the receipt's public link: through the phone's own
// share sheet where there is one, else copied for pasting into a message.
function setupShare() {
  const button = document.querySelector("[data-share-url]");
  if (!button) return;
  const done = document.querySelector(".share-done");
  button.hidden = false;
  button.addEventListener("click", async () => {
    const url = button.dataset.shareUrl;
    if (navigator.share) {
      try {
        await navigator.share({ title: button.dataset.shareTitle, text: "Biên nhận đóng góp của quý vị", url });
        return;
      } catch (error) {
        if (error.name === "AbortError") return;
      }
    }
    try {
      await navigator.clipboard.writeText(url);
      done.textContent = "Đã chép đường dẫn: dán vào Zalo, tin nhắn hoặc thư điện tử để gửi.";
    } catch {
      done.textContent = "Hãy chép đường dẫn ở trên để gửi.";
    }
  });
}

// Filters folded away for a phone are open on a wide screen.
function openWhenWide() {
  if (!window.matchMedia("(min-width: 641px)").matches) return;
  for (const details of document.querySelectorAll("details[data-open-wide]")) details.open = true;
}

document.addEventListener("DOMContentLoaded", () => {
  openWhenWide();
  const giftForm = document.querySelector("form.gift-form");
  if (giftForm) setupGiftForm(giftForm);
  setupDesk();
  setupShare();
});

// The beneficiary form: members only for a household, a witness only for consent given in person,
// a guardian only when one consented, and more member rows on request. Without this file every
// field shows, and the form has rows enough for most households.
function setupBeneficiaryForm(form) {
  const toggles = [
    ["kind", "data-when-kind"],
    ["method", "data-when-method"],
    ["given_by", "data-when-giver"],
  ];
  for (const [name, attribute] of toggles) {
    const show = () => {
      const chosen = form.querySelector(`input[name=${name}]:checked`);
      for (const part of form.querySelectorAll(`[${attribute}]`)) {
        part.hidden = !chosen || part.getAttribute(attribute) !== chosen.value;
      }
    };
    for (const radio of form.querySelectorAll(`input[name=${name}]`)) radio.addEventListener("change", show);
    show();
  }
  const add = form.querySelector("#add-member");
  const template = form.querySelector("#member-template");
  if (!add || !template) return;
  const rows = form.querySelector("#member-rows");
  let added = 0;
  add.hidden = false;
  add.addEventListener("click", () => {
    const row = template.content.firstElementChild.cloneNode(true);
    added += 1;
    for (const control of row.querySelectorAll("input, select")) {
      const label = row.querySelector(`label[for="${control.id}"]`);
      control.id = control.id.replace(/-new$/, `-added${added}`);
      if (label) label.htmlFor = control.id;
    }
    rows.append(row);
    row.querySelector("input").focus();
  });
}

document.addEventListener("DOMContentLoaded", () => {
  for (const form of document.querySelectorAll("form.beneficiary-form")) setupBeneficiaryForm(form);
});

// The giving forms: a drive chosen is shown at once (its households and stock), and the fields of
// a beneficiary or of a group show as the one chosen. Without this file the "Chọn" button and
// every field remain.
document.addEventListener("DOMContentLoaded", () => {
  for (const select of document.querySelectorAll("select[data-submit-on-change]")) {
    select.addEventListener("change", () => select.form.submit());
  }
  for (const form of document.querySelectorAll("form.distribution-form")) {
    const show = () => {
      const chosen = form.querySelector("input[name=to]:checked");
      for (const part of form.querySelectorAll("[data-when-to]")) {
        part.hidden = !chosen || part.dataset.whenTo !== chosen.value;
      }
    };
    for (const radio of form.querySelectorAll("input[name=to]")) radio.addEventListener("change", show);
    show();
  }
});

// The drive form: an appeal gives only for the purposes Decree 93/2021 allows; the others are
// hidden (and unticked) while it is the kind chosen.
document.addEventListener("DOMContentLoaded", () => {
  const purposes = document.querySelector("fieldset.purposes[data-appeal]");
  const kind = document.querySelector("select#kind");
  if (!purposes || !kind) return;
  const show = () => {
    const appeal = kind.value === purposes.dataset.appeal;
    for (const label of purposes.querySelectorAll("[data-not-appeal]")) {
      label.hidden = appeal;
      if (appeal) label.querySelector("input").checked = false;
    }
  };
  kind.addEventListener("change", show);
  show();
});
