import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { isApiError } from './api/http.ts';
import { App } from './app.tsx';
import './styles/app.css';
// After app.css: its small-screen rules override the same selectors there.
import './styles/mobile.css';

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // Answers that cannot change by retrying (404, 403, 401…) fail at once; network hiccups retry.
      retry: (count, err) => count < 2 && (!isApiError(err) || err.code === 'network' || err.status >= 500),
      refetchOnWindowFocus: false,
    },
  },
});

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <App />
    </QueryClientProvider>
  </StrictMode>,
);
