// The staff page: ask, search, similar wording, the list of reports. Plain JS over the JSON API.
// Every text from the reports goes into the page as text (textContent), never as HTML.
"use strict";

const $ = (selector, root = document) => root.querySelector(selector);

// -- talking to the API -------------------------------------------------------------------

// A server started with --token wants "Authorization: Bearer …": asked once, kept for the tab.
const TOKEN_KEY = "baocao-token";

async function api(path, body, retried = false, raw = false) {
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
      return api(path, body, true, raw);
    }
  }
  if (response.status === 401) sessionStorage.removeItem(TOKEN_KEY);
  if (!response.ok) {
    const data = await response.json().catch(() => ({}));
    const detail = typeof data.detail === "string" ? data.detail : "";
    const error = new Error(inVietnamese(response.status, detail));
    error.detail = detail;
    throw error;
  }
  return raw ? response : response.json();
}

// What the API said, for staff: its messages are written for developers (in English) except
// those about files and long questions, which are already in Vietnamese.
function inVietnamese(status, detail) {
  if (status === 401) return "Máy chủ yêu cầu mã truy cập hợp lệ. Hãy tải lại trang và nhập mã do quản trị viên cấp.";
  if (status === 409 || status === 410) return detail.replace(/^[^:]*\.(txt|docx|pdf): /, "");
  if (status === 404) return "Không tìm thấy báo cáo hay đoạn này (có thể danh sách báo cáo vừa được cập nhật). Hãy tải lại trang.";
  if (status === 408) return "Yêu cầu đến máy chủ quá chậm. Hãy thử lại.";
  if (status === 413) return "Nội dung gửi đi quá dài.";
  if (status === 429) return "Máy chủ đang bận. Hãy thử lại sau vài giây.";
  if (status === 422) {
    const chars = /at most (\d+) characters/.exec(detail);
    if (chars) return `Nội dung quá dài: tối đa ${chars[1]} ký tự.`;
    const vietnamese = /: ((?:câu hỏi|đoạn văn) quá dài[^(]*)/.exec(detail);
    if (vietnamese) return `${vietnamese[1].trim().replace(/^./, (c) => c.toUpperCase())}.`;
    if (/year/.test(detail)) return "Năm trong bộ lọc không hợp lệ (từ 1900 đến 2100).";
    return "Yêu cầu chưa hợp lệ. Hãy kiểm tra câu hỏi và bộ lọc.";
  }
  return "Máy chủ gặp lỗi khi xử lý yêu cầu. Hãy thử lại sau.";
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

// What "Sao chép trích dẫn" puts on the clipboard: the quoted text, then the citation as
// documents cite it.
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

// The link that opens the whole report at a passage (and marks the answer span in it).
function documentHref(docId, passageId, span) {
  let hash = passageId ? `#p=${encodeURIComponent(passageId)}` : "";
  if (passageId && span) hash += `&a=${span[0]}-${span[1]}`;
  return `/?doc=${encodeURIComponent(docId)}${hash}`;
}

function citationLink(link, docId, passageId, text, span) {
  link.textContent = text;
  link.href = documentHref(docId, passageId, span);
  link.title = "Mở toàn văn báo cáo tại đoạn này";
  link.addEventListener("click", (event) => {
    if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    openDocument(docId, passageId, span);
  });
  return link;
}

function renderHit(hit) {
  const item = $("#hit-template").content.firstElementChild.cloneNode(true);
  item.dataset.passageId = hit.passage_id;
  item.classList.toggle("footnote", hit.kind === "footnote");
  citationLink($(".cite-link", item), hit.doc_id, hit.passage_id, hit.citation);
  $(".source", item).textContent = hit.source;
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
  $(".score-parts", item).textContent = scoreLine(hit);
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

// The ranking's numbers, for those who open "Chi tiết xếp hạng" (BM25 is unbounded, dense a
// cosine): never shown by default, they mean nothing to most readers.
function scoreLine(hit) {
  const names = { fused: "kết hợp", bm25: "khớp từ", dense: "gần nghĩa" };
  const parts = Object.entries(hit.scores).map(([k, v]) => `${names[k] || k} ${v.toFixed(2)}`);
  return `điểm ${hit.score.toFixed(2)} (${parts.join(" · ")})`;
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
    box.textContent = "";
    if (passage.kind === "footnote") {
      // a footnote's context is the sentence it annotates and where that stands, not the
      // footnote printed before or after it
      const anchorText = passage.anchor_text || (passage.anchor && passage.anchor.text);
      box.append(contextBlock("Câu được chú thích", anchorText || "Không rõ câu được chú thích (chú thích không gắn được với câu nào)."));
      const section = passage.anchor ? passage.anchor.section_path : passage.section_path;
      if (section && section.length) box.append(contextBlock("Thuộc mục", section.join(" › ")));
      if (passage.anchor) box.append(openInDocument(hit.doc_id, passage.anchor.passage_id, "Xem câu này trong toàn văn"));
    } else {
      const [before, after] = await Promise.all(
        [passage.previous, passage.next].map((id) => (id ? api(`/passages/${encodeURIComponent(id)}`) : null)),
      );
      if (before && before.kind !== "footnote") box.append(contextBlock("Đoạn trước", before.text));
      for (const note of passage.footnotes) {
        box.append(contextBlock(`Chú thích ${note.footnote ?? ""}`.trim(), note.text));
      }
      if (after && after.kind !== "footnote") box.append(contextBlock("Đoạn sau", after.text));
      if (passage.section_path.length) box.append(contextBlock("Thuộc mục", passage.section_path.join(" › ")));
    }
    box.append(openInDocument(hit.doc_id, hit.passage_id, "Mở toàn văn tại đoạn này"));
    box.dataset.loaded = "1";
  } catch (error) {
    box.textContent = error.message;
  }
}

function openInDocument(docId, passageId, label) {
  const line = document.createElement("p");
  line.className = "context-open";
  line.append(citationLink(document.createElement("a"), docId, passageId, label));
  return line;
}

function contextBlock(title, text) {
  const block = document.createElement("div");
  block.className = "context-block";
  const head = document.createElement("h4");
  head.textContent = title;
  const body = document.createElement("p");
  body.textContent = text;
  block.append(head, body);
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
    // figures of the scope asked, but not one answer: unsure, not without evidence
    const inScope = Boolean(answer.scope_asked) && answer.facts.some((fact) => fact.matches);
    title.textContent = inScope ? "Chưa chắc chắn" : "Không đủ căn cứ";
    card.append(title);
    if (answer.scope_note) {
      const scopeNote = document.createElement("p");
      scopeNote.className = "scope-note";
      scopeNote.textContent = answer.scope_note;
      card.append(scopeNote);
    }
    const note = document.createElement("p");
    note.textContent = inScope
      ? "Các số liệu đúng phạm vi hỏi được đánh dấu ✓ trong bảng dưới; chưa đủ để chọn một số — hãy đối chiếu nguồn trước khi dùng."
      : source
        ? "Chưa tìm được câu trả lời chắc chắn trong các báo cáo. Đoạn gần nhất:"
        : "Không tìm thấy đoạn nào liên quan trong các báo cáo.";
    card.append(note);
  }
  if (source && answer.sentence) {
    const quote = document.createElement("blockquote");
    quote.append(sentenceWithSpans(source.text, answer.sentence, answerSpans(answer, source.passage_id)));
    card.append(quote);
  }
  if (source) {
    const cite = document.createElement("p");
    cite.className = "cite";
    const span = answer.confident ? answer.span : null;
    cite.append(citationLink(document.createElement("a"), source.doc_id, source.passage_id, source.citation, span));
    const where = document.createElement("small");
    where.className = "source";
    where.textContent = source.source;
    cite.append(where);
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
    card.append(factsTable(answer.facts, answer.scope_asked));
  }
  card.hidden = false;
}

// Several figures answer the same "what" with different scopes: one row each; when the question
// names a scope, the ones of that scope marked.
function factsTable(facts, scopeAsked) {
  const table = document.createElement("table");
  table.className = "facts";
  const caption = document.createElement("caption");
  caption.textContent = "Các số liệu liên quan trong báo cáo";
  const head = document.createElement("tr");
  const names = ["Số liệu", "Phạm vi", "Nguồn"];
  if (scopeAsked) names.splice(2, 0, `Đúng phạm vi hỏi (${scopeAsked})`);
  for (const name of names) {
    const th = document.createElement("th");
    th.scope = "col";
    th.textContent = name;
    head.append(th);
  }
  table.append(caption, head);
  for (const fact of facts) {
    const row = document.createElement("tr");
    row.className = scopeAsked && fact.matches ? "match" : "";
    const cells = [fact.value, fact.scope_text, fact.citation];
    if (scopeAsked) cells.splice(2, 0, fact.matches ? "✓ có" : "không");
    for (const value of cells) {
      const td = document.createElement("td");
      td.textContent = value;
      row.append(td);
    }
    table.append(row);
  }
  return table;
}

// Where the answer is in its passage: its span, and when it joins figures of several levels
// ("13 cuộc (cấp huyện); 151 cuộc (cấp xã)") the span of each joined figure.
function answerSpans(answer, passageId) {
  if (!answer.span) return [];
  const spans = [answer.span];
  for (const fact of answer.facts) {
    const joined = fact.matches && fact.passage_id === passageId && (answer.answer || "").includes(fact.value);
    const apart = spans.every(([start, end]) => fact.span[1] <= start || fact.span[0] >= end);
    if (joined && apart) spans.push(fact.span);
  }
  return spans.sort((a, b) => a[0] - b[0]);
}

// The answer's sentence with the answer marked (spans: code points into the passage text).
function sentenceWithSpans(passageText, sentence, spans) {
  const at = passageText.indexOf(sentence);
  if (!spans.length || at < 0) return document.createTextNode(sentence);
  const offset = codePointIndex(passageText, at);
  return marked(sentence, spans.map(([start, end]) => [start - offset, end - offset]), "answer-span");
}

// -- search ---------------------------------------------------------------------------------

const PAGE = 10; // hits per "Xem thêm"
const MAX_HITS = 100; // the API's limit
// adaptive: BM25 first, the encoder only where BM25 alone is unsure (the API's default)
const MODES = { adaptive: "Tự động", hybrid: "Kết hợp", bm25: "Đúng từ đã gõ", dense: "Gần nghĩa" };
const DEFAULT_MODE = "adaptive";
const KINDS = { body: "Nội dung chính", footnote: "Chú thích" };
let current = null; // the search shown: {query, mode, filters, shown}; mode: that of its pages

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

function chosenMode() {
  return $("input[name=mode]:checked").value;
}

function looksLikeQuestion(text) {
  return !/^\s*["“]/.test(text);
}

// The search in the address bar: the query, the filters and the mode, so that a search is a
// link to share and the back button comes back to it.
function searchUrl(query) {
  const url = new URL("/", window.location.origin);
  if (query.trim()) url.searchParams.set("q", query);
  const filters = chosenFilters();
  for (const doc of filters.doc_id || []) url.searchParams.append("doc_id", doc);
  if (filters.year_from) url.searchParams.set("from", filters.year_from);
  if (filters.year_to) url.searchParams.set("to", filters.year_to);
  if (filters.kind) url.searchParams.set("kind", filters.kind);
  if (chosenMode() !== DEFAULT_MODE) url.searchParams.set("mode", chosenMode());
  return url;
}

function restoreForm(params) {
  const docs = params.getAll("doc_id");
  for (const option of $("#filter-docs").options) option.selected = docs.includes(option.value);
  $("#filter-docs").dataset.wanted = JSON.stringify(docs); // the list may arrive later
  $("#filter-year-from").value = params.get("from") || "";
  $("#filter-year-to").value = params.get("to") || "";
  const kind = $(`input[name=kind][value='${CSS.escape(params.get("kind") || "")}']`);
  (kind || $("input[name=kind][value='']")).checked = true;
  const mode = $(`input[name=mode][value='${CSS.escape(params.get("mode") || DEFAULT_MODE)}']`);
  (mode || $(`input[name=mode][value=${DEFAULT_MODE}]`)).checked = true;
  $("#query").value = params.get("q") || "";
}

// "Đang tìm trong: …" — each filter and a mode other than the default, removable.
function renderChips() {
  const box = $("#chips");
  box.textContent = "";
  const filters = chosenFilters();
  const chips = [];
  for (const doc of filters.doc_id || []) {
    const option = [...$("#filter-docs").options].find((o) => o.value === doc);
    chips.push([option ? option.textContent : doc, () => { if (option) option.selected = false; }]);
  }
  if (filters.year_from || filters.year_to) {
    const from = filters.year_from, to = filters.year_to;
    const label = from && to ? (from === to ? `năm ${from}` : `năm ${from}–${to}`) : from ? `từ năm ${from}` : `đến năm ${to}`;
    chips.push([label, () => { $("#filter-year-from").value = ""; $("#filter-year-to").value = ""; }]);
  }
  if (filters.kind) chips.push([`chỉ ${KINDS[filters.kind].toLowerCase()}`, () => { $("input[name=kind][value='']").checked = true; }]);
  if (chosenMode() !== DEFAULT_MODE) chips.push([`cách tìm: ${MODES[chosenMode()].toLowerCase()}`, () => { $(`input[name=mode][value=${DEFAULT_MODE}]`).checked = true; }]);
  box.hidden = !chips.length;
  if (!chips.length) return;
  const label = document.createElement("span");
  label.className = "chips-label";
  label.textContent = "Đang tìm trong:";
  box.append(label);
  for (const [text, remove] of chips) {
    const chip = document.createElement("button");
    chip.type = "button";
    chip.className = "chip";
    chip.textContent = text;
    chip.setAttribute("aria-label", `Bỏ lọc: ${text}`);
    const x = document.createElement("span");
    x.setAttribute("aria-hidden", "true");
    x.textContent = " ✕";
    chip.append(x);
    chip.addEventListener("click", () => {
      remove();
      submitSearch();
    });
    box.append(chip);
  }
}

function submitSearch() {
  const query = $("#query").value;
  const url = searchUrl(query);
  const here = window.location.pathname + window.location.search;
  if (url.pathname + url.search !== here) history.pushState(null, "", url);
  runSearch(query);
}

function clearResults() {
  $("#answer").hidden = true;
  $("#results").textContent = "";
  $("#results-title").hidden = true;
  $("#more").hidden = true;
}

async function runSearch(query) {
  const statusLine = $("#search-status");
  const results = $("#results");
  const card = $("#answer");
  renderChips();
  if (!query.trim()) {
    clearResults();
    status(statusLine, "Hãy nhập câu hỏi, từ khóa hoặc cụm từ cần tìm rồi nhấn Tìm.", "warn");
    $("#query").focus();
    return;
  }
  const filters = chosenFilters();
  if (filters.year_from && filters.year_to && filters.year_from > filters.year_to) {
    clearResults();
    status(statusLine, `Năm "từ" (${filters.year_from}) đang sau năm "đến" (${filters.year_to}): hãy sửa bộ lọc năm.`, "error");
    return;
  }
  status(statusLine, "Đang tìm…");
  const mode = chosenMode();
  current = { query, mode, filters, shown: 0 };
  const search = current;
  try {
    // one request per question: /ask answers and lists the hits of the same search
    let found, answer = null;
    if (looksLikeQuestion(query) && (mode === DEFAULT_MODE || mode === "hybrid")) {
      answer = await api("/ask", { question: query, k: 5, hits: PAGE, filters });
      found = { hits: answer.hits, total: answer.total };
      search.mode = "hybrid"; // /ask lists the hybrid ranking: "Xem thêm" goes on with it
    } else {
      found = await api("/search", { query, k: PAGE, mode, filters });
    }
    if (search !== current) return; // a newer search was started meanwhile
    if (answer && answer.is_question) renderAnswer(answer);
    else card.hidden = true;
    results.textContent = "";
    const title = $("#results-title");
    title.hidden = !found.hits.length;
    title.textContent = answer && answer.is_question && !answer.confident ? "Các đoạn gần nhất" : "Các đoạn liên quan";
    showHits(found, search);
  } catch (error) {
    clearResults();
    status(statusLine, error.message, "error");
  }
}

function showHits(found, search) {
  const results = $("#results");
  for (const hit of found.hits) results.append(renderHit(hit));
  search.shown += found.hits.length;
  search.total = found.total;
  const full = found.hits.length === PAGE && search.shown < MAX_HITS;
  $("#more").hidden = !full;
  const statusLine = $("#search-status");
  if (!search.shown) {
    status(statusLine, "Không tìm thấy đoạn nào. Hãy thử từ khác hoặc bỏ bớt bộ lọc.");
    return;
  }
  const count = search.total == null ? "" : `${search.total.toLocaleString("vi-VN")} đoạn có từ cần tìm · `;
  status(statusLine, `${count}đang xem ${search.shown} đoạn đầu`);
}

async function showMore() {
  const search = current;
  if (!search) return;
  const button = $("#more");
  button.disabled = true;
  button.textContent = "Đang tải…";
  try {
    const found = await api("/search", {
      query: search.query, k: Math.min(PAGE, MAX_HITS - search.shown), offset: search.shown,
      mode: search.mode, filters: search.filters,
    });
    if (search !== current) return;
    const first = $("#results").children.length;
    showHits(found, search);
    const next = $("#results").children[first];
    if (next) $(".cite-link", next).focus();
  } catch (error) {
    status($("#search-status"), error.message, "error");
  } finally {
    button.disabled = false;
    button.textContent = "Xem thêm";
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
    status(statusLine, `${found.hits.length} đoạn có câu chữ gần nhất`);
  } catch (error) {
    results.textContent = "";
    status(statusLine, error.message, "error");
  }
}

// -- reports --------------------------------------------------------------------------------

function period(years) {
  if (!years || !years.length) return "";
  return years[0] === years[years.length - 1] ? `${years[0]}` : `${years[0]}–${years[years.length - 1]}`;
}

function documentNumber(number) {
  if (!number) return "";
  return /\d/.test(number) ? number : "chưa ghi số";
}

let documentsLoaded = null;

function loadDocuments() {
  documentsLoaded = (async () => {
    try {
      const documents = await api("/documents");
      const select = $("#filter-docs");
      const body = $("#documents tbody");
      const wanted = JSON.parse(select.dataset.wanted || "[]");
      for (const doc of documents) {
        const option = document.createElement("option");
        option.value = doc.doc_id;
        option.textContent = `${doc.title}${doc.place ? ` (${doc.place})` : ""}`;
        option.selected = wanted.includes(doc.doc_id);
        select.append(option);
        body.append(documentRow(doc));
      }
      status($("#documents-status"), `${documents.length} báo cáo.`);
      if (!$("#chips").hidden || wanted.length) renderChips();
    } catch (error) {
      status($("#documents-status"), error.message, "error");
    }
  })();
  return documentsLoaded;
}

function documentRow(doc) {
  const row = document.createElement("tr");
  const title = document.createElement("td");
  title.className = "doc-name";
  const open = document.createElement("a");
  citationLink(open, doc.doc_id, null, doc.title);
  open.title = "Mở toàn văn báo cáo";
  const within = document.createElement("button");
  within.type = "button";
  within.className = "link within";
  within.textContent = "Tìm trong báo cáo này";
  within.addEventListener("click", () => searchWithin(doc.doc_id));
  title.append(open, document.createElement("br"), within);
  row.append(title);
  const cells = [
    ["Số", documentNumber(doc.number)], ["Ngày", vietnameseDate(doc.date)], ["Loại", doc.kind],
    ["Địa phương", doc.place], ["Giai đoạn", period(doc.years)], ["Đoạn", doc.passages],
  ];
  cells.forEach(([label, value], i) => {
    const cell = document.createElement("td");
    cell.textContent = value ?? "";
    cell.dataset.label = label;
    if (i < 2) cell.className = "nowrap";
    row.append(cell);
  });
  return row;
}

function searchWithin(docId) {
  for (const option of $("#filter-docs").options) option.selected = option.value === docId;
  $("#filters").open = true;
  showView("search");
  history.pushState(null, "", searchUrl($("#query").value));
  renderChips();
  $("#query").focus();
}

async function loadHealth() {
  try {
    const health = await api("/health");
    // without the token a server that requires one says only its status
    if (health.documents === undefined) return;
    $("#health").textContent = `${health.documents} báo cáo · ${health.passages.toLocaleString("vi-VN")} đoạn`;
  } catch (error) {
    $("#health").textContent = error.message;
  }
}

// -- the whole report -----------------------------------------------------------------------

// The passage to show and the answer span in it, from "#p=ID&a=START-END".
function documentTarget() {
  const params = new URLSearchParams(window.location.hash.slice(1));
  const span = /^(\d+)-(\d+)$/.exec(params.get("a") || "");
  return { passageId: params.get("p"), span: span ? [Number(span[1]), Number(span[2])] : null };
}

function openDocument(docId, passageId, span) {
  history.pushState({ doc: docId }, "", documentHref(docId, passageId, span));
  route();
}

let shownDocument = null; // {docId, view}

async function showDocument(docId, passageId, span) {
  showView("document");
  const statusLine = $("#document-status");
  const box = $("#document");
  if (!shownDocument || shownDocument.docId !== docId) {
    box.hidden = true;
    status(statusLine, "Đang tải báo cáo…");
    try {
      const view = await api(`/documents/${encodeURIComponent(docId)}/text`);
      shownDocument = { docId, view };
      renderDocument(view);
    } catch (error) {
      status(statusLine, error.message, "error");
      return;
    }
  }
  status(statusLine, "");
  box.hidden = false;
  document.title = `${shownDocument.view.title} — Tra cứu báo cáo`;
  markTarget(passageId, span);
}

function renderDocument(view) {
  const kinds = { "báo cáo": "Báo cáo", "công văn": "Công văn", "chuyên đề": "Chuyên đề", "bài báo": "Bài báo" };
  $(".doc-kind").textContent = kinds[view.kind] || view.kind || "Văn bản";
  $(".doc-title").textContent = view.title;
  const facts = $(".doc-facts");
  facts.textContent = "";
  const rows = [
    ["Số", view.number ? documentNumber(view.number) : "không ghi trong tệp"],
    ["Ngày", view.date ? vietnameseDate(view.date) : "không ghi trong tệp"],
    ["Cơ quan ban hành", view.issuer || ""],
    ["Địa phương", view.place || ""],
    ["Giai đoạn", period(view.years)],
    ["Người ký", [view.signatory_title, view.signatory].filter(Boolean).join(" ")],
    ["Tệp gốc", view.source_file],
  ];
  for (const [label, value] of rows) {
    if (!value) continue;
    const dt = document.createElement("dt");
    dt.textContent = label;
    const dd = document.createElement("dd");
    dd.textContent = value;
    facts.append(dt, dd);
  }
  $(".doc-citation").textContent = `Trích dẫn: ${view.citation}`;
  $(".doc-bar-title").textContent = view.citation;
  $(".doc-bar-title").title = view.citation;
  $("#doc-download").hidden = !view.file_available;
  $("#doc-download-status").textContent = view.file_available ? "" : "Tệp gốc không còn ở thư mục đã nạp.";

  const outline = $("#doc-outline");
  outline.textContent = "";
  for (const heading of view.headings) {
    const item = document.createElement("li");
    item.className = `depth-${Math.min(heading.depth, 5)}`;
    const link = document.createElement("a");
    link.href = "#";
    link.textContent = heading.title;
    link.addEventListener("click", (event) => {
      event.preventDefault();
      const target = document.getElementById(`h-${heading.section_id}`);
      target.scrollIntoView({ block: "start" });
      target.focus({ preventScroll: true });
    });
    item.append(link);
    outline.append(item);
  }
  $(".doc-outline").hidden = !view.headings.length;
  $(".doc-outline details").open = window.innerWidth > 900;

  const body = $("#doc-body");
  body.textContent = "";
  const headingsAt = new Map();
  for (const heading of view.headings) {
    if (!headingsAt.has(heading.passage_id)) headingsAt.set(heading.passage_id, []);
    headingsAt.get(heading.passage_id).push(heading);
  }
  let paragraph = null, number = null;
  for (const block of view.blocks) {
    for (const heading of headingsAt.get(block.passage_id) || []) {
      const h = document.createElement(`h${Math.min(heading.depth + 2, 6)}`);
      h.id = `h-${heading.section_id}`;
      h.tabIndex = -1;
      h.textContent = heading.title;
      body.append(h);
      paragraph = null;
    }
    if (!paragraph || block.paragraph !== number || block.kind === "caption") {
      paragraph = document.createElement("p");
      paragraph.className = block.kind === "caption" ? "caption" : "";
      body.append(paragraph);
      number = block.paragraph;
    } else {
      paragraph.append(" ");
    }
    const span = document.createElement("span");
    span.className = "passage";
    span.id = `p-${block.passage_id}`;
    span.append(passageContent(block, null));
    paragraph.append(span);
  }
  if (view.footnotes.length) {
    const section = document.createElement("section");
    section.className = "doc-footnotes";
    const title = document.createElement("h3");
    title.textContent = "Chú thích";
    const list = document.createElement("ol");
    for (const note of view.footnotes) {
      const item = document.createElement("li");
      item.id = `p-${note.passage_id}`;
      item.className = "passage footnote-item";
      if (note.footnote != null) item.value = note.footnote;
      const text = document.createElement("span");
      text.className = "fn-text";
      text.textContent = note.text;
      item.append(text);
      if (note.anchor_id && note.footnote != null) {
        item.append(" ");
        const back = document.createElement("a");
        back.className = "fn-back";
        back.href = "#";
        back.textContent = "↩ về câu được chú thích";
        back.addEventListener("click", (event) => {
          event.preventDefault();
          const marker = document.getElementById(`m-${note.anchor_id}-${note.footnote}`);
          const target = marker || document.getElementById(`p-${note.anchor_id}`);
          flash(document.getElementById(`p-${note.anchor_id}`));
          target.scrollIntoView({ block: "center" });
          target.focus({ preventScroll: true });
        });
        item.append(back);
      } else {
        const none = document.createElement("small");
        none.textContent = " (không rõ câu được chú thích)";
        item.append(none);
      }
      list.append(item);
    }
    section.append(title, list);
    body.append(section);
  }
}

// A passage's text with its footnote markers (links to the notes) and, when given, the answer
// span marked. Offsets count code points.
function passageContent(block, span) {
  const chars = Array.from(block.text);
  const fragment = document.createDocumentFragment();
  const markers = [...block.markers].sort((a, b) => a.offset - b.offset);
  let at = 0, holder = fragment, text = "";
  const flush = () => { if (text) holder.append(text); text = ""; };
  for (let i = 0; i <= chars.length; i += 1) {
    if (span && i === span[0] && span[1] > span[0]) {
      flush();
      const mark = document.createElement("mark");
      mark.className = "answer-span";
      fragment.append(mark);
      holder = mark;
    }
    if (span && i === span[1] && holder !== fragment) {
      flush();
      holder = fragment;
    }
    while (at < markers.length && markers[at].offset === i) {
      flush();
      holder.append(footnoteMarker(block.passage_id, markers[at]));
      at += 1;
    }
    if (i < chars.length) text += chars[i];
  }
  flush();
  return fragment;
}

function footnoteMarker(passageId, marker) {
  const sup = document.createElement("sup");
  const link = document.createElement("a");
  link.className = "fn-ref";
  link.id = `m-${passageId}-${marker.footnote}`;
  link.textContent = marker.footnote;
  link.href = "#";
  link.setAttribute("aria-label", `Chú thích ${marker.footnote}`);
  link.addEventListener("click", (event) => {
    event.preventDefault();
    const note = marker.footnote_id && document.getElementById(`p-${marker.footnote_id}`);
    if (!note) return;
    flash(note);
    note.scrollIntoView({ block: "center" });
    note.tabIndex = -1;
    note.focus({ preventScroll: true });
  });
  sup.append(link);
  return sup;
}

function flash(element) {
  if (!element) return;
  element.classList.remove("flash");
  void element.offsetWidth; // restart the animation
  element.classList.add("flash");
}

// The cited passage marked and scrolled into view, the answer span marked inside it.
function markTarget(passageId, span) {
  for (const old of document.querySelectorAll("#doc-body .cited")) old.classList.remove("cited");
  for (const old of document.querySelectorAll("#doc-body mark.answer-span")) {
    const passage = old.closest(".passage");
    const block = shownDocument.view.blocks.find((b) => `p-${b.passage_id}` === passage.id);
    if (block) passage.replaceChildren(passageContent(block, null));
    else old.replaceWith(old.textContent); // in a footnote
  }
  if (!passageId) {
    window.scrollTo(0, 0);
    return;
  }
  const element = document.getElementById(`p-${passageId}`);
  if (!element) {
    status($("#document-status"), "Không tìm thấy đoạn được trích trong báo cáo này (có thể báo cáo vừa được cập nhật).", "warn");
    return;
  }
  element.classList.add("cited");
  if (span) {
    const block = shownDocument.view.blocks.find((b) => b.passage_id === passageId);
    const note = shownDocument.view.footnotes.find((n) => n.passage_id === passageId);
    if (block) element.replaceChildren(passageContent(block, span));
    else if (note) $(".fn-text", element).replaceChildren(passageContent({ passage_id: note.passage_id, text: note.text, markers: [] }, span));
  }
  element.tabIndex = -1;
  element.scrollIntoView({ block: "center" });
  element.focus({ preventScroll: true });
}

async function downloadOriginal() {
  const statusLine = $("#doc-download-status");
  const view = shownDocument && shownDocument.view;
  if (!view) return;
  statusLine.textContent = "Đang tải tệp…";
  try {
    const response = await api(`/documents/${encodeURIComponent(view.doc_id)}/file`, undefined, false, true);
    const blob = await response.blob();
    const link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = view.source_file.split("/").pop();
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 10000);
    statusLine.textContent = "";
  } catch (error) {
    statusLine.textContent = error.message;
  }
}

// -- views and tabs -------------------------------------------------------------------------

const TABS = ["search", "similar", "documents"];

function showView(name) {
  $("#panel-document").hidden = name !== "document";
  for (const tab of TABS) {
    const button = $(`#tab-${tab}`);
    const selected = tab === name;
    button.setAttribute("aria-selected", String(selected));
    button.tabIndex = selected || (name === "document" && tab === "search") ? 0 : -1;
    $(`#panel-${tab}`).hidden = !selected;
  }
  if (name !== "document") document.title = "Tra cứu báo cáo — baocao";
}

function showTab(name) {
  showView(name);
}

function wireTabs() {
  TABS.forEach((name, i) => {
    const button = $(`#tab-${name}`);
    button.addEventListener("click", () => {
      if (!$("#panel-document").hidden) history.pushState(null, "", searchUrl($("#query").value));
      showTab(name);
    });
    button.addEventListener("keydown", (event) => {
      const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
      if (!step) return;
      const next = TABS[(i + step + TABS.length) % TABS.length];
      showTab(next);
      $(`#tab-${next}`).focus();
    });
  });
}

// What the address says: a report (?doc=ID#p=…), or a search (?q=…&doc_id=…&mode=…).
let lastSearch = null;

function route() {
  const params = new URLSearchParams(window.location.search);
  const docId = params.get("doc");
  if (docId) {
    const { passageId, span } = documentTarget();
    showDocument(docId, passageId, span);
    return;
  }
  showView("search");
  const key = params.toString();
  if (key === lastSearch) return; // back from a report: the results are still on the page
  lastSearch = key;
  restoreForm(params);
  if (params.get("q")) runSearch(params.get("q"));
  else { clearResults(); renderChips(); status($("#search-status"), ""); }
}

// -- start ----------------------------------------------------------------------------------

function start() {
  wireTabs();
  $("#search-form").addEventListener("submit", (event) => {
    event.preventDefault();
    submitSearch();
    lastSearch = new URLSearchParams(window.location.search).toString();
  });
  $("#more").addEventListener("click", showMore);
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
    $(`input[name=mode][value=${DEFAULT_MODE}]`).checked = true;
    renderChips();
  });
  $("#doc-back").addEventListener("click", () => {
    if (lastSearch !== null && history.state && history.state.doc) history.back();
    else {
      history.pushState(null, "", "/");
      route();
    }
  });
  $("#doc-download").addEventListener("click", downloadOriginal);
  $("#doc-top").addEventListener("click", (event) => {
    event.preventDefault();
    $(".doc-outline details").open = true;
    $("#document").scrollIntoView({ block: "start" });
  });
  $("#doc-search").addEventListener("click", () => searchWithin(shownDocument.docId));
  window.addEventListener("popstate", route);
  window.addEventListener("hashchange", route);
  loadHealth();
  loadDocuments();
  route();
}

document.addEventListener("DOMContentLoaded", start);
