import type { Migration } from '../db/migrate.ts';

/**
 * Schema of visitor analytics (ids 70–79): tracked sites, who may read them, the daily salts of
 * the visitor hash, and the raw sessions, page views and events. Rollups have their own migration.
 * No column holds an IP address or a User-Agent: both are turned into country, device, browser
 * and OS at ingestion and dropped.
 */
export const ANALYTICS_MIGRATIONS: readonly Migration[] = [
  {
    id: 70,
    name: 'analytics sites, access, salts, sessions, page views and events',
    sql: `
      CREATE TABLE analytics_sites (
        id uuid PRIMARY KEY,
        workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        name text NOT NULL,
        domains text[] NOT NULL,
        site_key text NOT NULL UNIQUE,
        respect_dnt boolean NOT NULL DEFAULT false,
        tracks_app boolean NOT NULL DEFAULT false,
        created_by uuid REFERENCES users(id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX analytics_sites_workspace_idx ON analytics_sites (workspace_id);
      CREATE UNIQUE INDEX analytics_sites_app_idx ON analytics_sites (workspace_id) WHERE tracks_app;

      -- Members below admin who may read the workspace's analytics.
      CREATE TABLE analytics_access (
        workspace_id uuid NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        granted_by uuid REFERENCES users(id) ON DELETE SET NULL,
        granted_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (workspace_id, user_id)
      );

      -- One random salt per UTC day, shared by every node; deleted two days later, after which
      -- nobody can tell whether two visitor ids of different days are the same browser.
      CREATE TABLE analytics_salts (
        day date PRIMARY KEY,
        salt bytea NOT NULL
      );

      -- A visit: it ends after 30 minutes without activity. day is the UTC day it started.
      CREATE TABLE analytics_sessions (
        id uuid PRIMARY KEY,
        site_id uuid NOT NULL REFERENCES analytics_sites(id) ON DELETE CASCADE,
        visitor_id text NOT NULL,
        day date NOT NULL,
        started_at timestamptz NOT NULL,
        last_seen_at timestamptz NOT NULL,
        entry_page text NOT NULL,
        exit_page text NOT NULL,
        pageviews integer NOT NULL DEFAULT 0,
        events integer NOT NULL DEFAULT 0,
        -- Referrer host ('' for direct traffic and same-site navigation), and the UTM parameters of the landing page.
        source text NOT NULL DEFAULT '',
        utm_source text NOT NULL DEFAULT '',
        utm_medium text NOT NULL DEFAULT '',
        utm_campaign text NOT NULL DEFAULT '',
        country text NOT NULL DEFAULT '',
        region text NOT NULL DEFAULT '',
        device text NOT NULL DEFAULT 'other',
        browser text NOT NULL DEFAULT '',
        os text NOT NULL DEFAULT ''
      );
      CREATE INDEX analytics_sessions_site_idx ON analytics_sessions (site_id, started_at);
      CREATE INDEX analytics_sessions_visitor_idx ON analytics_sessions (site_id, visitor_id, last_seen_at DESC);

      CREATE TABLE analytics_pageviews (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        site_id uuid NOT NULL REFERENCES analytics_sites(id) ON DELETE CASCADE,
        session_id uuid NOT NULL,
        visitor_id text NOT NULL,
        at timestamptz NOT NULL,
        hostname text NOT NULL,
        path text NOT NULL,
        title text NOT NULL DEFAULT ''
      );
      CREATE INDEX analytics_pageviews_site_idx ON analytics_pageviews (site_id, at);
      CREATE INDEX analytics_pageviews_session_idx ON analytics_pageviews (session_id);

      CREATE TABLE analytics_events (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        site_id uuid NOT NULL REFERENCES analytics_sites(id) ON DELETE CASCADE,
        session_id uuid NOT NULL,
        visitor_id text NOT NULL,
        at timestamptz NOT NULL,
        name text NOT NULL,
        path text NOT NULL,
        props jsonb NOT NULL DEFAULT '{}'
      );
      CREATE INDEX analytics_events_site_idx ON analytics_events (site_id, at);
      CREATE INDEX analytics_events_session_idx ON analytics_events (session_id);
    `,
  },
];
