// The staff page: ask, search, similar wording, the list of reports. Plain JS over the JSON API.
// Every text from the reports goes into the page as text (textContent), never as HTML.
"use strict";

const $ = (selector, root = document) => root.querySelector(selector);

// -- talking to the API -------------------------------------------------------------------

// A server started with --token wants "Authorization: Bearer …": asked once, kept for the tab.
const TOKEN_KEY = "baocao-token";

async function api(path, body, retried = false) {
  const headers = {};
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token) headers.Authorization = `Bearer ${token}`;
  const init = body === undefined ? { headers } : {
    method: "POST",
    headers: { ...headers, "Content-Type": "application/json" },
    body: JSON.stringify(body),
  };
  let response;
  try {
    response = await fetch(path, init);
  } catch (error) {
    throw new Error("Không kết nối được với máy chủ. Hãy kiểm tra baocao serve còn chạy.");
  }
  if (response.status === 401 && !retried) {
    const given = window.prompt("Máy chủ yêu cầu mã truy cập. Nhập mã do quản trị viên cấp:");
    if (given) {
      sessionStorage.setItem(TOKEN_KEY, given.trim());
      return api(path, body, true);
    }
  }
  if (response.status === 401) sessionStorage.removeItem(TOKEN_KEY);
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    const detail = typeof data.detail === "string" ? data.detail : response.statusText;
    throw new Error(`Yêu cầu không hợp lệ: ${detail}`);
  }
  return data;
}

// -- text with marked spans -----------------------------------------------------------------

// Offsets from the API count Unicode code points (Python), not UTF-16 units.
function marked(text, spans, className = "") {
  const chars = Array.from(text);
  const fragment = document.createDocumentFragment();
  let at = 0;
  for (const [start, end] of [...spans].sort((a, b) => a[0] - b[0])) {
    if (start < at || end <= start) continue;
    fragment.append(chars.slice(at, start).join(""));
    const mark = document.createElement("mark");
    if (className) mark.className = className;
    mark.textContent = chars.slice(start, end).join("");
    fragment.append(mark);
    at = end;
  }
  fragment.append(chars.slice(at).join(""));
  return fragment;
}

function codePointIndex(text, utf16Index) {
  return Array.from(text.slice(0, utf16Index)).length;
}

function vietnameseDate(iso) {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso || "");
  return match ? `${match[3]}/${match[2]}/${match[1]}` : iso || "";
}

function status(element, message, kind = "") {
  element.textContent = message;
  element.className = `status ${kind}`.trim();
}

// -- results --------------------------------------------------------------------------------

function citationText(hit) {
  return `«${hit.text}»\n(${hit.citation})`;
}

async function copy(text) {
  if (navigator.clipboard && window.isSecureContext) {
    await navigator.clipboard.writeText(text);
    return;
  }
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.style.position = "fixed";
  area.style.opacity = "0";
  document.body.append(area);
  area.select();
  const done = document.execCommand("copy");
  area.remove();
  if (!done) throw new Error("copy refused");
}

function renderHit(hit) {
  const item = $("#hit-template").content.firstElementChild.cloneNode(true);
  item.dataset.passageId = hit.passage_id;
  item.classList.toggle("footnote", hit.kind === "footnote");
  const cite = $(".cite", item);
  cite.append(hit.citation);
  if (hit.kind === "footnote") {
    const badge = $(".badge", item);
    badge.hidden = false;
    const label = document.createElement("span");
    label.className = "tag";
    label.textContent = hit.footnote != null ? `Chú thích ${hit.footnote}` : "Chú thích";
    badge.append(label);
    badge.append(hit.anchor_text ? ` cho câu: «${hit.anchor_text}»` : " (không rõ câu được chú thích)");
  }
  $(".text", item).append(marked(hit.text, hit.highlights));
  const score = scoreLine(hit);
  $(".scores", item).textContent = score.text;
  $(".scores", item).title = score.title;
  const toggle = $(".context-toggle", item);
  toggle.addEventListener("click", () => toggleContext(item, hit, toggle));
  const copied = $(".copied", item);
  $(".copy", item).addEventListener("click", async () => {
    try {
      await copy(citationText(hit));
      copied.textContent = "Đã sao chép";
    } catch (error) {
      copied.textContent = "Không sao chép được — hãy chọn và sao chép bằng tay";
    }
    setTimeout(() => { copied.textContent = ""; }, 4000);
  });
  return item;
}

// The score as a number, its parts (BM25 is unbounded, dense a cosine) for those who ask.
function scoreLine(hit) {
  const names = { bm25: "từ khóa", dense: "ngữ nghĩa", fused: "kết hợp" };
  const parts = Object.entries(hit.scores).map(([k, v]) => `${names[k] || k} ${v.toFixed(2)}`);
  return { text: `điểm ${hit.score.toFixed(2)}`, title: parts.join(" · ") };
}

async function toggleContext(item, hit, toggle) {
  const box = $(".context", item);
  const open = toggle.getAttribute("aria-expanded") === "true";
  toggle.setAttribute("aria-expanded", String(!open));
  toggle.textContent = open ? "Xem ngữ cảnh" : "Ẩn ngữ cảnh";
  box.hidden = open;
  if (open || box.dataset.loaded) return;
  box.textContent = "Đang tải…";
  try {
    const passage = await api(`/passages/${encodeURIComponent(hit.passage_id)}`);
    const [before, after] = await Promise.all(
      [passage.previous, passage.next].map((id) => (id ? api(`/passages/${encodeURIComponent(id)}`) : null)),
    );
    box.textContent = "";
    if (before) box.append(contextBlock("Đoạn trước", before.text, before.citation));
    if (passage.anchor) {
      box.append(contextBlock("Câu được chú thích", passage.anchor_text || passage.anchor.text));
    }
    for (const note of passage.footnotes) {
      box.append(contextBlock(`Chú thích ${note.footnote ?? ""}`.trim(), note.text));
    }
    if (after) box.append(contextBlock("Đoạn sau", after.text, after.citation));
    if (!box.childElementCount) box.textContent = "Không có đoạn liền kề hay chú thích liên kết.";
    box.dataset.loaded = "1";
  } catch (error) {
    box.textContent = error.message;
  }
}

function contextBlock(title, text, citation) {
  const block = document.createElement("div");
  block.className = "context-block";
  const head = document.createElement("h4");
  head.textContent = title;
  const body = document.createElement("p");
  body.textContent = text;
  block.append(head, body);
  if (citation) {
    const cite = document.createElement("p");
    cite.className = "cite small";
    cite.textContent = citation;
    block.append(cite);
  }
  return block;
}

// -- the answer card ------------------------------------------------------------------------

function renderAnswer(answer) {
  const card = $("#answer");
  card.textContent = "";
  card.classList.toggle("unsure", !answer.confident);
  const source = answer.citations[0];
  const title = document.createElement("h2");
  if (answer.confident) {
    title.textContent = "Trả lời";
    const text = document.createElement("p");
    text.className = "answer-text";
    text.textContent = answer.answer;
    card.append(title, text);
    if (answer.scope) {
      const scope = document.createElement("p");
      scope.className = "answer-scope";
      scope.textContent = `Phạm vi số liệu: ${answer.scope}`;
      card.append(scope);
    }
  } else {
    title.textContent = "Không đủ căn cứ";
    card.append(title);
    if (answer.scope_note) {
      const scopeNote = document.createElement("p");
      scopeNote.className = "scope-note";
      scopeNote.textContent = answer.scope_note;
      card.append(scopeNote);
    }
    const note = document.createElement("p");
    note.textContent = source
      ? "Chưa tìm được câu trả lời chắc chắn trong các báo cáo. Đoạn gần nhất:"
      : "Không tìm thấy đoạn nào liên quan trong các báo cáo.";
    card.append(note);
  }
  if (source && answer.sentence) {
    const quote = document.createElement("blockquote");
    quote.append(sentenceWithSpan(source.text, answer.sentence, answer.span));
    card.append(quote);
  }
  if (source) {
    const cite = document.createElement("p");
    cite.className = "cite";
    cite.textContent = source.citation;
    card.append(cite);
  }
  if (answer.context) {
    const context = document.createElement("p");
    context.className = "answer-context";
    const label = document.createElement("strong");
    label.textContent = source && source.kind === "footnote" ? "Câu được chú thích: " : "Chú thích: ";
    context.append(label, answer.context);
    card.append(context);
  }
  if (answer.facts.length > 1 || (answer.facts.length && !answer.confident)) {
    card.append(factsTable(answer.facts));
  }
  card.hidden = false;
}

// Several figures answer the same "what" with different scopes: one row each, the ones whose
// scope is the one asked marked.
function factsTable(facts) {
  const table = document.createElement("table");
  table.className = "facts";
  const caption = document.createElement("caption");
  caption.textContent = "Các số liệu liên quan trong báo cáo";
  const head = document.createElement("tr");
  for (const name of ["Số liệu", "Phạm vi", "Đúng phạm vi hỏi", "Nguồn"]) {
    const th = document.createElement("th");
    th.scope = "col";
    th.textContent = name;
    head.append(th);
  }
  table.append(caption, head);
  for (const fact of facts) {
    const row = document.createElement("tr");
    row.className = fact.matches ? "match" : "";
    const cells = [fact.value, fact.scope_text, fact.matches ? "✓ có" : "không", fact.citation];
    for (const value of cells) {
      const td = document.createElement("td");
      td.textContent = value;
      row.append(td);
    }
    table.append(row);
  }
  return table;
}

// The answer's sentence with the answer marked (span: code points into the passage text).
function sentenceWithSpan(passageText, sentence, span) {
  const at = passageText.indexOf(sentence);
  if (!span || at < 0) return document.createTextNode(sentence);
  const offset = codePointIndex(passageText, at);
  return marked(sentence, [[span[0] - offset, span[1] - offset]], "answer-span");
}

// -- search ---------------------------------------------------------------------------------

function chosenFilters() {
  const filters = {};
  const docs = [...$("#filter-docs").selectedOptions].map((o) => o.value);
  if (docs.length) filters.doc_id = docs;
  for (const [id, key] of [["#filter-year-from", "year_from"], ["#filter-year-to", "year_to"]]) {
    const value = $(id).value.trim();
    if (value) filters[key] = Number(value);
  }
  const kind = $("input[name=kind]:checked").value;
  if (kind) filters.kind = kind;
  return filters;
}

function looksLikeQuestion(text) {
  return !/^\s*["“]/.test(text);
}

async function runSearch(query) {
  const statusLine = $("#search-status");
  const results = $("#results");
  const card = $("#answer");
  if (!query.trim()) {
    card.hidden = true;
    results.textContent = "";
    status(statusLine, "Hãy nhập câu hỏi, từ khóa hoặc cụm từ cần tìm rồi nhấn Tìm.", "warn");
    $("#query").focus();
    return;
  }
  const filters = chosenFilters();
  if (filters.year_from && filters.year_to && filters.year_from > filters.year_to) {
    card.hidden = true;
    results.textContent = "";
    status(statusLine, `Năm "từ" (${filters.year_from}) đang sau năm "đến" (${filters.year_to}): hãy sửa bộ lọc năm.`, "error");
    return;
  }
  status(statusLine, "Đang tìm…");
  const mode = $("input[name=mode]:checked").value;
  try {
    const [found, answer] = await Promise.all([
      api("/search", { query, k: 10, mode, filters }),
      looksLikeQuestion(query) ? api("/ask", { question: query, k: 5, filters }) : null,
    ]);
    if (answer && answer.is_question) renderAnswer(answer);
    else card.hidden = true;
    results.textContent = "";
    for (const hit of found.hits) results.append(renderHit(hit));
    status(statusLine, found.hits.length
      ? `${found.hits.length} đoạn phù hợp (${Math.round(found.took_ms)} ms)`
      : "Không tìm thấy đoạn nào. Hãy thử từ khác hoặc bỏ bớt bộ lọc.");
  } catch (error) {
    card.hidden = true;
    results.textContent = "";
    status(statusLine, error.message, "error");
  }
}

async function runSimilar(text) {
  const statusLine = $("#similar-status");
  const results = $("#similar-results");
  if (!text.trim()) {
    results.textContent = "";
    status(statusLine, "Hãy dán một câu hoặc đoạn văn vào ô trên.", "warn");
    $("#similar-text").focus();
    return;
  }
  status(statusLine, "Đang tìm…");
  try {
    const found = await api("/similar", { text, k: 10 });
    results.textContent = "";
    for (const hit of found.hits) results.append(renderHit(hit));
    status(statusLine, `${found.hits.length} đoạn có câu chữ gần nhất (${Math.round(found.took_ms)} ms)`);
  } catch (error) {
    results.textContent = "";
    status(statusLine, error.message, "error");
  }
}

// -- reports --------------------------------------------------------------------------------

async function loadDocuments() {
  try {
    const documents = await api("/documents");
    const select = $("#filter-docs");
    const body = $("#documents tbody");
    for (const doc of documents) {
      const option = document.createElement("option");
      option.value = doc.doc_id;
      option.textContent = `${doc.title}${doc.date ? ` (${doc.date.slice(0, 4)})` : ""}`;
      select.append(option);
      body.append(documentRow(doc));
    }
    status($("#documents-status"), `${documents.length} báo cáo.`);
  } catch (error) {
    status($("#documents-status"), error.message, "error");
  }
}

function documentRow(doc) {
  const row = document.createElement("tr");
  const title = document.createElement("td");
  const button = document.createElement("button");
  button.type = "button";
  button.className = "link";
  button.textContent = doc.title;
  button.title = "Tìm trong báo cáo này";
  button.addEventListener("click", () => searchWithin(doc.doc_id));
  title.append(button);
  row.append(title);
  const cells = [doc.number, vietnameseDate(doc.date), doc.kind, doc.place, doc.passages, doc.source_file];
  cells.forEach((value, i) => {
    const cell = document.createElement("td");
    cell.textContent = value ?? "";
    if (i < 2) cell.className = "nowrap";
    row.append(cell);
  });
  return row;
}

function searchWithin(docId) {
  for (const option of $("#filter-docs").options) option.selected = option.value === docId;
  $("#filters").open = true;
  showTab("search");
  $("#query").focus();
}

async function loadHealth() {
  try {
    const health = await api("/health");
    // without the token a server that requires one says only its status
    if (health.documents === undefined) return;
    $("#health").textContent = `${health.documents} báo cáo · ${health.passages} đoạn · bộ mã hóa ${health.encoder}`;
  } catch (error) {
    $("#health").textContent = error.message;
  }
}

// -- tabs -----------------------------------------------------------------------------------

const TABS = ["search", "similar", "documents"];

function showTab(name) {
  for (const tab of TABS) {
    const button = $(`#tab-${tab}`);
    const selected = tab === name;
    button.setAttribute("aria-selected", String(selected));
    button.tabIndex = selected ? 0 : -1;
    $(`#panel-${tab}`).hidden = !selected;
  }
}

function wireTabs() {
  TABS.forEach((name, i) => {
    const button = $(`#tab-${name}`);
    button.addEventListener("click", () => showTab(name));
    button.addEventListener("keydown", (event) => {
      const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
      if (!step) return;
      const next = TABS[(i + step + TABS.length) % TABS.length];
      showTab(next);
      $(`#tab-${next}`).focus();
    });
  });
}

// -- start ----------------------------------------------------------------------------------

function start() {
  wireTabs();
  $("#search-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const query = $("#query").value;
    const url = new URL(window.location.href);
    if (query.trim()) url.searchParams.set("q", query); else url.searchParams.delete("q");
    history.replaceState(null, "", url);
    runSearch(query);
  });
  $("#similar-form").addEventListener("submit", (event) => {
    event.preventDefault();
    runSimilar($("#similar-text").value);
  });
  $("#similar-text").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      $("#similar-form").requestSubmit();
    }
  });
  $("#filters-clear").addEventListener("click", () => {
    for (const option of $("#filter-docs").options) option.selected = false;
    $("#filter-year-from").value = "";
    $("#filter-year-to").value = "";
    $("input[name=kind][value='']").checked = true;
    $("input[name=mode][value=hybrid]").checked = true;
  });
  loadHealth();
  loadDocuments();
  const query = new URLSearchParams(window.location.search).get("q");
  if (query) {
    $("#query").value = query;
    runSearch(query);
  }
}

document.addEventListener("DOMContentLoaded", start);
