// Service worker for Tandem's browser push: shows each pushed notification and opens its link.
self.addEventListener('push', (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch {
    data = { title: event.data ? event.data.text() : 'Tandem' };
  }
  event.waitUntil(self.registration.showNotification(data.title || 'Tandem', { body: data.body || '', data: { url: data.url || '/notifications' } }));
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const url = event.notification.data?.url || '/notifications';
  event.waitUntil(self.clients.openWindow(url));
});
