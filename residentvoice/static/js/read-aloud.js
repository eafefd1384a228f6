// 朗读 (read aloud, issue 18 §2): the phone's own speech synthesis reads a
// ballot, a notice or a ticket's latest update — no third-party service.
//
// Progressive enhancement: the block (templates/macros/read_aloud.html) is
// rendered hidden and shown only where window.speechSynthesis exists.  It reads
// the elements marked data-read="<group>", in page order, one utterance each.
//
// Language: the page's own.  A Chinese page is read in Mandarin ("zh-CN").  On
// an English page the words the site translated are read in English ("en"), but
// an element holding Chinese characters (a ballot's question, a name typed by a
// secretary — content is not translated) is read in Mandarin, so it is neither
// skipped nor spelled out by an English voice.  When the phone has no voice for
// a language the text needs, the block says so instead of failing silently.
(function () {
  "use strict";

  var HAN = /[\u3400-\u9fff\uf900-\ufaff]/;
  var SKIP = "button, select, textarea, input, details, script, style, .read-aloud, [data-read-skip], [aria-hidden=true]";
  var VOICE_WAIT_MS = 1500;

  function pageLanguage() {
    return (document.documentElement.lang || "zh").toLowerCase().indexOf("zh") === 0 ? "zh-CN" : "en";
  }

  function languageOf(text, page) {
    return page === "zh-CN" || HAN.test(text) ? "zh-CN" : page;
  }

  // The visible text of an element, line by line: controls and hidden parts left
  // out, a term (dt) joined to its description.
  function lines(element) {
    var out = [];
    (function walk(node) {
      for (var child = node.firstChild; child; child = child.nextSibling) {
        if (child.nodeType === 3) { out.push(child.textContent); continue; }
        if (child.nodeType !== 1 || child.matches(SKIP)) { continue; }
        var style = window.getComputedStyle(child);
        if (style.display === "none" || style.visibility === "hidden") { continue; }
        var block = style.display.indexOf("inline") !== 0;
        if (child.tagName === "BR" || block) { out.push("\n"); }
        walk(child);
        if (child.tagName === "DT") { out.push("：\n"); } else if (block) { out.push("\n"); }
      }
    })(element);
    return out.join("").split("\n").map(function (line) {
      return line.replace(/\s+/g, " ").trim();
    }).filter(Boolean);
  }

  function sentence(textLines, lang) {
    var stop = lang === "zh-CN" ? "。" : ". ";
    return textLines.reduce(function (text, line) {
      if (!text) { return line; }
      return text + (/[。！？.!?：:；;，,]$/.test(text) ? " " : stop) + line;
    }, "");
  }

  function parts(group, page) {
    var found = document.querySelectorAll("[data-read~='" + group + "']");
    return Array.prototype.map.call(found, function (element) {
      var label = element.getAttribute("data-read-label");
      var textLines = lines(element);
      if (label) { textLines.unshift(label + (page === "zh-CN" ? "：" : ":")); }
      var text = sentence(textLines, page);
      return {text: text, lang: languageOf(text, page)};
    }).filter(function (part) { return part.text; });
  }

  function withVoices(synth, callback) {
    var voices = synth.getVoices() || [];
    if (voices.length) { callback(voices); return; }
    var done = false;
    function finish() {
      if (done) { return; }
      done = true;
      callback(synth.getVoices() || []);
    }
    if (synth.addEventListener) {
      synth.addEventListener("voiceschanged", finish);
    } else {
      synth.onvoiceschanged = finish;
    }
    window.setTimeout(finish, VOICE_WAIT_MS);
  }

  function voiceFor(voices, lang) {
    var prefix = lang.slice(0, 2);
    var same = voices.filter(function (voice) {
      return (voice.lang || "").replace("_", "-").toLowerCase().indexOf(prefix) === 0;
    });
    var exact = same.filter(function (voice) {
      return (voice.lang || "").replace("_", "-").toLowerCase() === lang.toLowerCase();
    });
    return exact[0] || same[0] || null;
  }

  function setUp(block) {
    var synth = window.speechSynthesis;
    var button = block.querySelector(".read-aloud-button");
    var note = block.querySelector(".read-aloud-note");
    var label = button.textContent;
    var group = block.getAttribute("data-read-group");
    var page = pageLanguage();
    var reading = false;

    function missing(voices, wanted) {
      return wanted.filter(function (lang) { return !voiceFor(voices, lang); });
    }
    function say(text) {
      note.textContent = text;
      note.hidden = false;
    }
    function stop() {
      reading = false;
      button.textContent = label;
      button.setAttribute("aria-pressed", "false");
    }
    function noVoice(langs) {
      say(block.getAttribute(langs.indexOf("zh-CN") >= 0 ? "data-no-zh" : "data-no-en"));
    }

    button.addEventListener("click", function () {
      if (reading) { synth.cancel(); stop(); return; }
      var todo = parts(group, page);
      if (!todo.length) { return; }
      withVoices(synth, function (voices) {
        var absent = missing(voices, todo.map(function (part) { return part.lang; }));
        if (absent.length) { noVoice(absent); return; }
        note.hidden = true;
        synth.cancel();
        reading = true;
        button.textContent = block.getAttribute("data-stop");
        button.setAttribute("aria-pressed", "true");
        todo.forEach(function (part, i) {
          var utterance = new window.SpeechSynthesisUtterance(part.text);
          utterance.lang = part.lang;
          utterance.voice = voiceFor(voices, part.lang);
          utterance.rate = 0.9;       // a little slower than the phone's default
          if (i === todo.length - 1) {
            utterance.onend = stop;
            utterance.onerror = stop;
          }
          synth.speak(utterance);
        });
      });
    });

    block.hidden = false;
    // Say at once, before anyone taps, when the phone cannot read this page.
    withVoices(synth, function (voices) {
      var absent = missing(voices, parts(group, page).map(function (part) { return part.lang; }));
      if (absent.length) { noVoice(absent); }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (!window.speechSynthesis || !window.SpeechSynthesisUtterance) { return; }
    document.querySelectorAll(".read-aloud[data-read-group]").forEach(setUp);
  });
})();
