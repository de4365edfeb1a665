// The box office: plain ES module, no build step. Views are chosen by the URL hash.
const view = document.getElementById('view');
const message = document.getElementById('message');
const state = { token: sessionStorage.getItem('token'), who: sessionStorage.getItem('who'), stream: null, timers: [] };

const el = (tag, attrs = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k.startsWith('on')) node.addEventListener(k.slice(2), v); else if (v !== undefined && v !== null) node.setAttribute(k, v);
  }
  for (const c of children.flat()) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
};
const svg = (tag, attrs = {}) => {
  const node = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  return node;
};

function say(text, kind = 'ok') { message.textContent = text; message.className = kind; }

/** Calls the API; a problem+json answer becomes an Error whose text says what to do. */
async function api(method, url, body, headers = {}) {
  const h = { ...headers };
  if (state.token) h.Authorization = `Bearer ${state.token}`;
  if (body !== undefined) h['Content-Type'] = 'application/json';
  const response = await fetch(url, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
  if (response.status === 204) return null;
  const data = await response.json().catch(() => null);
  if (!response.ok) {
    const error = new Error(explain(response, data));
    error.status = response.status; error.problem = data;
    throw error;
  }
  return data;
}

function explain(response, problem) {
  const detail = problem?.detail ?? '';
  switch (response.status) {
    case 401: return 'Please sign in first.';
    case 403: return problem?.queue ? `This sale has a waiting room. ${detail}` : `Not allowed: ${detail || 'your role cannot do this.'}`;
    case 409: return `Sorry, that did not work: ${detail || 'someone was faster.'}`;
    case 429: return `Too many requests: please wait ${response.headers.get('Retry-After') ?? 'a few'} seconds and try again.`;
    default: return detail || problem?.title || `The server answered ${response.status}.`;
  }
}

function showWho() {
  document.getElementById('whoami').textContent = state.who ? `Signed in as ${state.who}` : 'Not signed in';
}

document.getElementById('signin').addEventListener('submit', async (e) => {
  e.preventDefault();
  const subject = document.getElementById('subject').value.trim();
  const role = document.getElementById('role').value;
  const response = await fetch('/api/dev/tokens', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ subject, roles: [role] }) });
  if (response.status === 404) {
    document.getElementById('signin').hidden = true;
    document.getElementById('tokenform').hidden = false;
    say('Development sign-in is off here: paste a bearer token from your identity provider.', 'error');
    return;
  }
  if (!response.ok) { say(explain(response, await response.json().catch(() => null)), 'error'); return; }
  const { accessToken } = await response.json();
  state.token = accessToken; state.who = `${subject} (${role})`;
  sessionStorage.setItem('token', accessToken); sessionStorage.setItem('who', state.who);
  showWho(); say(`Signed in as ${subject}.`);
  route();
});

document.getElementById('tokenform').addEventListener('submit', (e) => {
  e.preventDefault();
  state.token = document.getElementById('token').value.trim(); state.who = 'token holder';
  sessionStorage.setItem('token', state.token); sessionStorage.setItem('who', state.who);
  showWho(); say('Token saved.');
});

function cleanup() {
  state.stream?.close(); state.stream = null; delete view.dataset.live;
  state.timers.forEach(clearInterval); state.timers = [];
}

async function route() {
  cleanup();
  const [, page, a, b] = location.hash.split('/');
  try {
    if (page === 'events' && a) await eventPage(a);
    else if (page === 'queue' && a && b) await queuePage(a, b);
    else if (page === 'bookings' && a) await bookingPage(a);
    else if (page === 'organizer') organizerPage();
    else await listPage();
  } catch (error) {
    say(error.message, 'error');
  }
}

async function listPage(search = '') {
  const data = await api('GET', '/api/events?pageSize=100');
  const list = el('ul', { class: 'events', 'aria-label': 'Events' });
  const render = (text) => {
    list.replaceChildren(...data.items
      .filter(e => e.status !== 'Draft' || true)
      .filter(e => `${e.name} ${e.venue}`.toLowerCase().includes(text.toLowerCase()))
      .map(e => el('li', {}, el('a', { href: `#/events/${e.id}` }, e.name), ` · ${e.venue} · ${new Date(e.startsAt).toLocaleString()} · ${e.status}`)));
  };
  const box = el('input', { type: 'search', id: 'search', 'aria-label': 'Search events', placeholder: 'Search by name or venue', value: search, oninput: (e) => render(e.target.value) });
  view.replaceChildren(el('h1', {}, 'Events'), el('label', { for: 'search' }, 'Search '), box, list);
  render(search);
}

function admissionFor(eventId) { return sessionStorage.getItem(`admission:${eventId}`); }

async function eventPage(eventId) {
  const ev = await api('GET', `/api/events/${eventId}`);
  const selected = new Set();
  const counts = el('div', { class: 'counts', 'aria-live': 'polite' });
  const showCounts = (sections) => counts.replaceChildren(...Object.entries(sections).map(([id, c]) =>
    el('span', { 'data-section': id }, `${id}: ${c.free} free · ${c.held} held · ${c.sold} sold`)));
  showCounts(Object.fromEntries(ev.sections.map(s => [s.id, s.availability])));

  const maps = [];
  for (const section of ev.sections.filter(s => s.kind === 'Seated')) {
    const seats = await api('GET', `/api/events/${eventId}/sections/${section.id}/seats`);
    const size = 22;
    const map = svg('svg', { class: 'seatmap', viewBox: `0 0 ${section.seatsPerRow * size + 10} ${section.rows * size + 10}`, role: 'group', 'aria-label': `Seat map of ${section.name}` });
    for (const seat of seats) {
      const rect = svg('rect', { x: 5 + (seat.number - 1) * size, y: 5 + (seat.row - 1) * size, width: size - 4, height: size - 4, rx: 3,
        class: `seat ${seat.status}`, 'data-seat': seat.id, tabindex: 0, role: 'button', 'aria-pressed': 'false', 'aria-label': `Seat ${seat.id}, ${seat.status}` });
      const toggle = () => {
        if (!rect.classList.contains('Free') && !selected.has(seat.id)) { say(`Seat ${seat.id} is not free.`, 'error'); return; }
        if (selected.has(seat.id)) selected.delete(seat.id); else selected.add(seat.id);
        rect.classList.toggle('selected', selected.has(seat.id));
        rect.setAttribute('aria-pressed', String(selected.has(seat.id)));
        picked.textContent = selected.size ? `Selected: ${[...selected].join(', ')}` : 'No seats selected';
      };
      rect.addEventListener('click', toggle);
      rect.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); toggle(); } });
      map.append(rect);
    }
    maps.push(el('h2', {}, `${section.name} (${section.price} ${ev.currency})`), map);
  }

  const picked = el('p', { id: 'picked', 'aria-live': 'polite' }, 'No seats selected');
  const email = el('input', { id: 'email', type: 'email', autocomplete: 'email', value: state.who?.includes('@') ? state.who.split(' ')[0] : '' });
  const sectionSelect = el('select', { id: 'best-section' }, ...ev.sections.map(s => el('option', { value: s.id }, s.name)));
  const quantity = el('input', { id: 'best-quantity', type: 'number', min: 1, max: 10, value: 2 });
  const hold = async (body) => {
    try {
      const token = admissionFor(eventId);
      const booking = await api('POST', `/api/events/${eventId}/bookings`, { email: email.value || undefined, ...body }, token ? { 'Admission-Token': token } : {});
      location.hash = `#/bookings/${booking.id}`;
    } catch (error) {
      if (error.status === 403 && error.problem?.queue) {
        const ticket = await api('POST', `/api/events/${eventId}/queue`);
        location.hash = `#/queue/${eventId}/${ticket.queueTicketId}`;
        return;
      }
      say(error.message, 'error');
    }
  };

  view.replaceChildren(
    el('h1', {}, ev.name), el('p', {}, `${ev.venue} · ${new Date(ev.startsAt).toLocaleString()} · ${ev.status}`),
    ev.waitingRoom ? el('p', {}, `This sale has a waiting room: ${ev.waitingRoom.admitPerMinute} buyers are let in per minute.`) : '',
    counts,
    el('p', { class: 'legend' }, el('span', { style: 'background:var(--free)' }), 'free', el('span', { style: 'background:var(--held)' }), 'held',
      el('span', { style: 'background:var(--sold)' }), 'sold', el('span', { style: 'background:var(--mine)' }), 'your pick'),
    ...maps,
    el('div', { class: 'panel' },
      el('label', { for: 'email' }, 'Email for the tickets '), email, picked,
      el('button', { id: 'hold-selected', onclick: () => selected.size ? hold({ seats: [...selected] }) : say('Pick seats on the map first.', 'error') }, 'Hold selected seats')),
    el('div', { class: 'panel' },
      el('label', { for: 'best-section' }, 'Best available in '), sectionSelect,
      el('label', { for: 'best-quantity' }, ' seats '), quantity,
      el('button', { id: 'hold-best', onclick: () => hold({ section: sectionSelect.value, quantity: Number(quantity.value) }) }, 'Hold best available')));

  // Live colours: every change on the stream repaints its seats and counts.
  const stream = new EventSource(`/api/events/${eventId}/availability/stream`);
  state.stream = stream;
  // data-live says the page is following the stream (after its first snapshot): people see the seat map turn live; tests wait for it.
  stream.addEventListener('snapshot', (e) => { showCounts(JSON.parse(e.data).sections); view.dataset.live = 'on'; });
  stream.addEventListener('error', () => { view.dataset.live = 'off'; });
  stream.addEventListener('changes', (e) => {
    const change = JSON.parse(e.data);
    for (const [seatId, status] of Object.entries(change.seats)) {
      const rect = view.querySelector(`rect[data-seat="${seatId}"]`);
      if (!rect) continue;
      rect.classList.remove('Free', 'Held', 'Sold'); rect.classList.add(status);
      rect.setAttribute('aria-label', `Seat ${seatId}, ${status}`);
    }
    const shown = Object.fromEntries([...counts.children].map(c => [c.dataset.section, null]));
    if (Object.keys(change.sections).length) showCounts({ ...Object.fromEntries(Object.keys(shown).map(k => [k, lastCounts[k]])), ...change.sections });
    Object.assign(lastCounts, change.sections);
  });
  const lastCounts = Object.fromEntries(ev.sections.map(s => [s.id, s.availability]));
  stream.addEventListener('snapshot', (e) => Object.assign(lastCounts, JSON.parse(e.data).sections));
}

async function queuePage(eventId, ticketId) {
  const status = el('p', { id: 'queue-status', 'aria-live': 'polite' }, 'Checking your place…');
  view.replaceChildren(el('h1', {}, 'Waiting room'), el('p', {}, 'Keep this page open: it moves on by itself when it is your turn.'), status);
  const check = async () => {
    try {
      const ticket = await api('GET', `/api/events/${eventId}/queue/${ticketId}`);
      if (ticket.status === 'Admitted') {
        sessionStorage.setItem(`admission:${eventId}`, ticket.admissionToken);
        say('It is your turn: pick your seats.');
        location.hash = `#/events/${eventId}`;
      } else if (ticket.status === 'Expired') {
        status.textContent = 'Your shopping window has ended. Join the queue again to get a new place.';
      } else {
        status.textContent = ticket.position == null
          ? `You are in the queue. Places are drawn when the sale opens, in about ${ticket.estimatedWaitSeconds} s.`
          : `Your position: ${ticket.position}. Estimated wait: ${ticket.estimatedWaitSeconds} s.`;
      }
    } catch (error) { say(error.message, 'error'); }
  };
  await check();
  state.timers.push(setInterval(check, 1000));
}

async function bookingPage(bookingId) {
  const booking = await api('GET', `/api/bookings/${bookingId}`);
  const title = el('h1', {}, booking.status === 'Confirmed' ? 'Your tickets' : `Booking ${booking.status}`);
  const body = el('div', { class: 'panel' });
  if (booking.status === 'Held') {
    const countdown = el('p', { class: 'countdown', id: 'countdown', 'aria-live': 'off' });
    const tick = () => {
      const left = Math.max(0, Math.round((new Date(booking.expiresAt) - Date.now()) / 1000));
      countdown.textContent = `Held for you: ${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')} left`;
      if (left === 0) route();
    };
    tick(); state.timers.push(setInterval(tick, 1000));
    const pay = el('button', { id: 'pay', onclick: async () => {
      pay.disabled = true;
      try { await api('POST', `/api/bookings/${bookingId}/payment`, { paymentToken: 'tok_visa' }); route(); say('Paid. Enjoy the show!'); }
      catch (error) { pay.disabled = false; say(error.message, 'error'); }
    } }, `Pay ${booking.total.amount} ${booking.total.currency} with test card tok_visa`);
    const release = el('button', { onclick: async () => { await api('DELETE', `/api/bookings/${bookingId}`); location.hash = `#/events/${booking.eventId}`; } }, 'Release');
    body.append(el('p', {}, `Seats: ${booking.seats.join(', ') || `${booking.quantity} × ${booking.section}`}`), countdown, pay, ' ', release);
  } else if (booking.status === 'Confirmed') {
    body.append(el('ul', { id: 'tickets', 'aria-label': 'Tickets' }, ...booking.tickets.map(t => el('li', {}, `${t.seat} — code ${t.code}`))));
  } else {
    body.append(el('p', {}, booking.reason ?? 'This booking holds no seats any more.'), el('a', { href: `#/events/${booking.eventId}` }, 'Back to the event'));
  }
  view.replaceChildren(title, body);
}

function organizerPage() {
  const field = (id, label, attrs = {}) => [el('label', { for: id }, label), el('input', { id, name: id, ...attrs })];
  const form = el('form', { class: 'stack', 'aria-label': 'New event' },
    ...field('ev-name', 'Name', { required: true, value: 'Arena Night' }),
    ...field('ev-venue', 'Venue', { required: true, value: 'Arena' }),
    ...field('ev-starts', 'Starts at', { type: 'datetime-local', required: true, value: new Date(Date.now() + 30 * 864e5).toISOString().slice(0, 16) }),
    ...field('ev-rows', 'Rows', { type: 'number', min: 1, value: 10 }),
    ...field('ev-perrow', 'Seats per row', { type: 'number', min: 1, value: 20 }),
    ...field('ev-price', 'Price (EUR)', { type: 'number', min: 0, step: '0.01', value: 49 }),
    ...field('ev-admit', 'Waiting room: buyers let in per minute (empty: none)', { type: 'number', min: 1 }),
    el('button', { type: 'submit', id: 'create-event' }, 'Create and publish'));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const v = (id) => document.getElementById(id).value;
    try {
      const body = { name: v('ev-name'), venue: v('ev-venue'), startsAt: new Date(v('ev-starts')).toISOString(), currency: 'EUR', holdSeconds: 600,
        sections: [{ id: 'A', name: 'Floor', rows: Number(v('ev-rows')), seatsPerRow: Number(v('ev-perrow')), price: Number(v('ev-price')) }] };
      if (v('ev-admit')) body.waitingRoom = { admitPerMinute: Number(v('ev-admit')) };
      const ev = await api('POST', '/api/events', body);
      await api('POST', `/api/events/${ev.id}/publish`);
      say(`${ev.name} is on sale.`);
      location.hash = `#/events/${ev.id}`;
    } catch (error) { say(error.message, 'error'); }
  });
  view.replaceChildren(el('h1', {}, 'Create an event'), form);
}

window.addEventListener('hashchange', route);
showWho();
route();
