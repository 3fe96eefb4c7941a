// The preview pages' scripts, inline (nothing from a CDN): the live-reload client every page carries, and the
// issue page's toggles, subscriber picker and layout measurements inside the frames.
enum PreviewScript {
    /// Listens to /_gazette/events and reloads the page when a change concerns it. The page (or its script tag)
    /// carries `data-generation` and `data-stem` (`*`: any change concerns it).
    static let liveReload = """
    (function () {
      var script = document.currentScript;
      var holder = script && script.hasAttribute('data-generation') ? script.dataset : document.body.dataset;
      var generation = Number(holder.generation || 0), stem = holder.stem || '*';
      var live = document.getElementById('live');
      function reload() {
        if (window.gazetteBeforeReload) { try { window.gazetteBeforeReload(); } catch (e) {} }
        location.reload();
      }
      if (!window.EventSource) return;
      var source = new EventSource('/_gazette/events');
      source.addEventListener('hello', function (event) {
        if (live) live.className = 'live on';
        if (JSON.parse(event.data).generation !== generation) reload();
      });
      source.addEventListener('change', function (event) {
        var change = JSON.parse(event.data);
        generation = change.generation;
        if (stem === '*' || change.everything || change.issues.indexOf(stem) >= 0) reload();
      });
      source.onerror = function () { if (live) live.className = 'live off'; };
    })();
    """

    /// Frames, theme and image toggles (kept in the page's query so a reload keeps them), the picker, the
    /// frames' scroll positions across reloads, and what the browser measures: content wider than its frame,
    /// and boxes that cut their content off, reported in the panel like the checks.
    static let issuePage = """
    (function () {
      var stem = document.body.dataset.stem;
      var params = new URLSearchParams(location.search);
      var frames = document.getElementById('frames');
      var desktop = document.getElementById('frame-desktop'), mobile = document.getElementById('frame-mobile');
      var state = { frames: params.get('frames') || 'both', theme: params.get('theme') || 'light',
                    images: params.get('images') || 'local' };
      var measured = {};

      function frameSource() {
        var query = new URLSearchParams(frames.dataset.recipient);
        query.set('theme', state.theme); query.set('images', state.images);
        return '/preview/' + encodeURIComponent(stem) + '/email.html?' + query.toString();
      }
      function apply(reloadFrames) {
        frames.dataset.frames = state.frames;
        document.querySelectorAll('[data-frames]').forEach(function (b) { if (b.tagName === 'BUTTON') b.classList.toggle('on', b.dataset.frames === state.frames); });
        document.querySelectorAll('[data-theme]').forEach(function (b) { b.classList.toggle('on', b.dataset.theme === state.theme); });
        document.getElementById('local-images').checked = state.images === 'local';
        ['frames', 'theme', 'images'].forEach(function (key) { params.set(key, state[key]); });
        history.replaceState(null, '', location.pathname + '?' + params.toString());
        if (reloadFrames) { var source = frameSource(); desktop.src = source; mobile.src = source; }
      }
      document.querySelectorAll('button[data-frames]').forEach(function (b) {
        b.addEventListener('click', function () { state.frames = b.dataset.frames; apply(false); });
      });
      document.querySelectorAll('button[data-theme]').forEach(function (b) {
        b.addEventListener('click', function () { state.theme = b.dataset.theme; apply(true); });
      });
      document.getElementById('local-images').addEventListener('change', function (e) {
        state.images = e.target.checked ? 'local' : 'sent'; apply(true);
      });
      document.getElementById('recipient').addEventListener('change', function (e) {
        params.delete('find'); params.set('recipient', e.target.value);
        location.search = params.toString();
      });
      document.getElementById('find').addEventListener('keydown', function (e) {
        if (e.key !== 'Enter' || !e.target.value.trim()) return;
        params.delete('recipient'); params.set('find', e.target.value.trim());
        location.search = params.toString();
      });

      var scrollKey = 'gazette-scroll-' + stem;
      window.gazetteBeforeReload = function () {
        var positions = {};
        [desktop, mobile].forEach(function (f) { try { positions[f.id] = f.contentWindow.scrollY; } catch (e) {} });
        positions.page = window.scrollY;
        sessionStorage.setItem(scrollKey, JSON.stringify(positions));
      };
      var saved = JSON.parse(sessionStorage.getItem(scrollKey) || '{}');
      sessionStorage.removeItem(scrollKey);
      if (saved.page) window.scrollTo(0, saved.page);

      function describe(element) {
        var text = (element.textContent || '').replace(/\\s+/g, ' ').trim();
        return '<' + element.tagName.toLowerCase() + '>' + (text ? ' "' + text.slice(0, 48) + (text.length > 48 ? '…' : '') + '"' : '');
      }
      function measure(frame, label) {
        var doc = frame.contentDocument, found = [];
        if (!doc || !doc.body) return found;
        var width = doc.documentElement.clientWidth, page = doc.documentElement.scrollWidth;
        if (page > width + 1) {
          found.push({ code: 'layout-overflow', message: label + ': the email is ' + page + ' px wide in a ' + width +
                       ' px viewport, so readers scroll sideways', element: '' });
        }
        var all = doc.body.getElementsByTagName('*'), widest = null, widestRight = width + 1;
        for (var i = 0; i < all.length && i < 20000 && found.length < 6; i++) {
          var element = all[i], style = doc.defaultView.getComputedStyle(element);
          if (style.display === 'none' || style.visibility === 'hidden' || style.maxHeight === '0px') continue;
          var clips = style.overflowX === 'hidden' || style.overflowX === 'auto' || style.overflowX === 'scroll' || style.overflowX === 'clip';
          if (clips && element.clientWidth > 0 && element.scrollWidth > element.clientWidth + 1) {
            found.push({ code: 'layout-clipped', message: label + ': ' + describe(element) + ' shows ' + element.clientWidth +
                         ' px of ' + element.scrollWidth + ' px of content; the rest is cut off or scrolls inside the box', element: element.tagName });
          }
          var right = element.getBoundingClientRect().right;
          if (right > widestRight && element.children.length === 0) { widest = element; widestRight = right; }
        }
        if (widest && found.length < 6) {
          found.push({ code: 'layout-overflow', message: label + ': ' + describe(widest) + ' reaches ' + Math.round(widestRight) +
                       ' px, past the ' + width + ' px viewport', element: widest.tagName });
        }
        return found;
      }
      function report() {
        var list = document.getElementById('layout-findings'), all = [];
        Object.keys(measured).sort().forEach(function (key) { all = all.concat(measured[key]); });
        list.innerHTML = '';
        list.dataset.count = String(all.length);
        list.dataset.measured = Object.keys(measured).sort().join(' ');
        if (!all.length) {
          var ok = document.createElement('li'); ok.className = 'clean';
          ok.textContent = 'Nothing wider than its frame, nothing cut off.'; list.appendChild(ok); return;
        }
        all.forEach(function (f) {
          var item = document.createElement('li'); item.className = 'finding warning'; item.dataset.code = f.code;
          var head = document.createElement('div'); head.innerHTML = '<span class="severity">warning</span> <code></code>';
          head.querySelector('code').textContent = f.code;
          var message = document.createElement('div'); message.className = 'message'; message.textContent = f.message;
          var hint = document.createElement('div'); hint.className = 'hint';
          hint.textContent = 'let long lines wrap (white-space: pre-wrap; overflow-wrap: anywhere), and size images and tables with max-width: 100%';
          item.appendChild(head); item.appendChild(message); item.appendChild(hint); list.appendChild(item);
        });
      }
      function watch(frame, label, key) {
        frame.addEventListener('load', function () {
          var doc = frame.contentDocument;
          if (!doc) return;
          frame.style.height = Math.max(400, doc.documentElement.scrollHeight + 8) + 'px';
          if (saved[frame.id]) { frame.contentWindow.scrollTo(0, saved[frame.id]); }
          measured[key] = measure(frame, label);
          report();
        });
      }
      watch(desktop, 'desktop ' + desktop.width + ' px', 'desktop');
      watch(mobile, 'mobile ' + mobile.width + ' px', 'mobile');
      apply(state.theme !== 'light' || state.images !== 'local');
    })();
    """
}
