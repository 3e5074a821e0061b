import type { Child } from "hono/jsx";
import type { PageChrome } from "../../read-model/page-chrome";
import { Layout } from "./layout";

/** How the page refreshes itself, and the switch to stop it (or start it again): the same path with or without `?refresh=off`. */
export interface Refresh {
  on: boolean;
  path: string;
}

/** The title (a heading on the home page, a link home elsewhere) after the logo; the config's links and the feed. */
function Header(props: { chrome: PageChrome; home: boolean }) {
  const { title, logo, links, locale } = props.chrome;
  const name = (
    <>
      {logo ? <img class="logo" src={logo.src} alt={logo.alt} height="32" /> : null}
      {title}
    </>
  );
  const feed = <a href="/feed.atom">{locale.t.subscribe}</a>;
  return (
    <header class="top">
      <div class="w">
        {props.home ? (
          <h1>{name}</h1>
        ) : (
          <a class="site" href="/">
            {name}
          </a>
        )}
        {links.length === 0 ? (
          feed
        ) : (
          <nav aria-label={locale.t.linksLabel}>
            {links.map((link) => (
              <a href={link.url} rel="noopener">
                {link.label}
              </a>
            ))}
            {feed}
          </nav>
        )}
      </div>
    </header>
  );
}

function Footer(props: { chrome: PageChrome; refresh: Refresh | null }) {
  const { refresh } = props;
  const { locale, footer } = props.chrome;
  const { t } = locale;
  const [before, link, after] = refresh?.on ? t.refreshOn : t.refreshOff;
  return (
    <footer class="w">
      <p>
        {footer === null ? null : (
          <>
            {footer}
            <br />
          </>
        )}
        {t.timesIn(locale.timeZone)}{" "}
        {refresh === null ? null : (
          <>
            {before}
            <a href={refresh.on ? `${refresh.path}?refresh=off` : refresh.path}>{link}</a>
            {after}{" "}
          </>
        )}
        <a href="/api/status">{t.statusJson}</a> · <a href="/feed.atom">{t.atomFeed}</a> · Edgewatch
      </p>
    </footer>
  );
}

/** Every page: the document, the header, the page's content and the footer. */
export function Frame(props: {
  chrome: PageChrome;
  pageTitle: string;
  description: string;
  css: string;
  state: string;
  home: boolean;
  refresh: Refresh | null;
  children: Child;
}) {
  return (
    <Layout
      chrome={props.chrome}
      title={props.pageTitle}
      description={props.description}
      css={props.css}
      state={props.state}
      refresh={props.refresh?.on ?? false}
    >
      <Header chrome={props.chrome} home={props.home} />
      <main class="w">{props.children}</main>
      <Footer chrome={props.chrome} refresh={props.refresh} />
    </Layout>
  );
}
