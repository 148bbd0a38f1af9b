"""The demo site's non-article HTML pages: home, section (paginated), tag and author
listings, and the site pages (about, contact, login, subscribe, privacy, search, 404).

Listings link only ``listed`` articles (plus syndicated copies on section pages); the
homepage links the lead story with tracking parameters and the robots-disallowed
members' preview. All are framed by the WordPress theme of :mod:`newscrawler.demo.chrome`.
"""

from __future__ import annotations

from newscrawler.demo.chrome import BASE, attr, esc, fmt_long, json_ld, wp_document
from newscrawler.demo.content import (
    AUTHORS, LEAD_SLUG, SECTION_PAGE_SIZE, SECTIONS, SITE_NAME, SITE_TAGLINE, UTM_QUERY, ARTICLES, Author,
    DemoArticle, all_tags, article_by_slug, author_articles, homepage_articles, section_articles, slugify,
    tag_articles,
)


def _head(path: str, description: str, page_type: str, *, prev: str | None = None, nxt: str | None = None) -> str:
    url = BASE + path
    graph = {"@context": "https://schema.org", "@graph": [
        {"@type": page_type, "@id": url, "url": url, "isPartOf": {"@id": f"{BASE}/#website"}, "inLanguage": "en-US"},
        {"@type": "WebSite", "@id": f"{BASE}/#website", "url": f"{BASE}/", "name": SITE_NAME,
         "description": SITE_TAGLINE, "inLanguage": "en-US"},
    ]}
    links = (f'<link rel="prev" href="{prev}">\n' if prev else "") + (f'<link rel="next" href="{nxt}">\n' if nxt else "")
    return f"""<meta name="robots" content="index, follow">
<meta name="description" content="{attr(description)}">
<link rel="canonical" href="{url}">
{links}<meta property="og:locale" content="en_US">
<meta property="og:type" content="website">
<meta property="og:title" content="{attr(description)}">
<meta property="og:url" content="{url}">
<meta property="og:site_name" content="{SITE_NAME}">
<script type="application/ld+json" class="yoast-schema-graph">{json_ld(graph)}</script>"""


def _item(a: DemoArticle, href: str | None = None, css: str = "post-item") -> str:
    href = attr(href or a.path)
    names = " and ".join(f'<a href="/author/{slugify(n)}/">{esc(n)}</a>' for n in a.authors)
    byline = f'<span class="byline">By {names}</span> ' if names else ""
    return f"""<article class="{css}">
<a class="post-thumb" href="{href}"><img src="{a.image_path}" alt="" width="320" height="180" loading="lazy"></a>
<div class="post-item-body">
<span class="cat-links"><a href="/section/{a.section_slug}/">{esc(a.section)}</a></span>
<h2 class="entry-title"><a href="{href}">{esc(a.title)}</a></h2>
<div class="entry-meta">{byline}<time datetime="{a.published}">{fmt_long(a)}</time></div>
<p class="excerpt">{esc(a.description)}</p>
</div>
</article>"""


def render_home() -> str:
    lead, *latest = homepage_articles()
    assert lead.slug == LEAD_SLUG
    private = next(a for a in ARTICLES if a.disallowed)
    teasers = "\n".join(f'<li><a href="/section/{s}/">More {n} news &raquo;</a></li>' for s, n in SECTIONS.items())
    main = f"""<h1 class="screen-reader-text">{SITE_NAME}</h1>
<section class="lead-story">
{_item(lead, f"{lead.path}?{UTM_QUERY}", "post-item lead")}
</section>
<section class="latest-news"><h2 class="block-title">Latest news</h2>
{chr(10).join(_item(a) for a in latest)}
</section>
<section class="members-box"><h2 class="block-title">For members</h2>
<p><a href="{private.path}">{esc(private.title)}</a></p>
<p>Members get early previews, events and an ad-free site. <a href="/subscribe/">Become a member</a></p>
</section>
<section class="section-teasers"><h2 class="block-title">Sections</h2><ul>
{teasers}
</ul></section>"""
    return wp_document(title=f"{SITE_NAME} | {SITE_TAGLINE}", head=_head("/", SITE_TAGLINE, "CollectionPage"),
                       main=main, body_class="home blog", atom=True)


def _pagination(base: str, page: int, pages: int) -> str:
    def href(n: int) -> str:
        return base if n == 1 else f"{base}page/{n}/"

    parts = [f'<a class="prev page-numbers" href="{href(page - 1)}">&laquo; Newer posts</a>'] if page > 1 else []
    parts += [f'<span aria-current="page" class="page-numbers current">{n}</span>' if n == page
              else f'<a class="page-numbers" href="{href(n)}">{n}</a>' for n in range(1, pages + 1)]
    if page < pages:
        parts.append(f'<a class="next page-numbers" href="{href(page + 1)}">Older posts &raquo;</a>')
    return ('<nav class="navigation pagination" aria-label="Posts"><h2 class="screen-reader-text">Posts navigation</h2>'
            f'<div class="nav-links">{" ".join(parts)}</div></nav>')


def render_section_pages(slug: str) -> dict[str, str]:
    """``/section/<slug>/`` and its ``page/N/`` continuations, keyed by path."""
    name, articles, base = SECTIONS[slug], section_articles(slug), f"/section/{slug}/"
    chunks = [articles[i:i + SECTION_PAGE_SIZE] for i in range(0, len(articles), SECTION_PAGE_SIZE)] or [[]]
    out = {}
    for page, chunk in enumerate(chunks, 1):
        path = base if page == 1 else f"{base}page/{page}/"
        prev = None if page == 1 else BASE + (base if page == 2 else f"{base}page/{page - 1}/")
        nxt = BASE + f"{base}page/{page + 1}/" if page < len(chunks) else None
        suffix = f" - Page {page} of {len(chunks)}" if page > 1 else ""
        main = f"""<header class="page-header"><h1 class="page-title">{name}</h1>
<div class="archive-description"><p>{name} news from Port Alder and the Calder estuary.</p></div></header>
{chr(10).join(_item(a) for a in chunk)}
{_pagination(base, page, len(chunks)) if len(chunks) > 1 else ""}"""
        out[path] = wp_document(
            title=f"{name}{suffix} | {SITE_NAME}", main=main, body_class=f"archive category category-{slug}",
            head=_head(path, f"{name} news from {SITE_NAME}{suffix}", "CollectionPage", prev=prev, nxt=nxt))
    return out


def render_tag_page(tag: str) -> str:
    path = f"/tag/{slugify(tag)}/"
    items = "\n".join(_item(a) for a in tag_articles(tag)) or "<p>Nothing found for this tag.</p>"
    main = f'<header class="page-header"><h1 class="page-title">Tag: <span>{esc(tag)}</span></h1></header>\n{items}'
    return wp_document(title=f"{tag} Archives | {SITE_NAME}", main=main, body_class=f"archive tag tag-{slugify(tag)}",
                       head=_head(path, f"Stories tagged {tag}", "CollectionPage"))


def render_author_page(author: Author) -> str:
    path = f"/author/{author.slug}/"
    items = "\n".join(_item(a) for a in author_articles(author.name))
    main = f"""<header class="page-header author-header">
<img src="/static/img/avatar.png" alt="" width="96" height="96" class="avatar">
<h1 class="page-title">{esc(author.name)}</h1>
<p class="author-role">{esc(author.role)}</p>
<div class="author-bio"><p>{esc(author.bio)}</p></div>
</header>
{items}"""
    return wp_document(title=f"{author.name}, Author at {SITE_NAME}", main=main, body_class="archive author",
                       head=_head(path, f"{author.name}, {author.role} at {SITE_NAME}", "ProfilePage"))


_STATIC: dict[str, tuple[str, str, str]] = {  # path -> (heading, schema type, HTML body)
    "/about/": ("About us", "AboutPage", """<p>The Harbor Herald has reported on Port Alder and the towns of the Calder
estuary since 1891. Today a newsroom of twenty-two journalists publishes local news, business, science and culture
every day, online and in a weekend print edition.</p>
<p>We are owned by the Harbor Herald Trust, an independent charity, and no shareholder or advertiser has a say in
what we publish. Our editorial code and our corrections policy are available on request.</p>
<p>Have a story for us? <a href="/contact/">Get in touch</a>.</p>"""),
    "/contact/": ("Contact us", "ContactPage", """<p>Newsroom: 14 Castle Street, Port Alder. Phone: 0100 555 0142
(weekdays 9:00 to 18:00).</p>
<form class="contact-form" action="/contact/" method="post">
<p><label for="c-name">Your name</label> <input id="c-name" name="name" type="text" required></p>
<p><label for="c-email">Your email</label> <input id="c-email" name="email" type="email" required></p>
<p><label for="c-topic">Topic</label> <select id="c-topic" name="topic"><option>News tip</option>
<option>Correction</option><option>Subscriptions</option><option>Advertising</option></select></p>
<p><label for="c-message">Message</label> <textarea id="c-message" name="message" rows="6" required></textarea></p>
<p><button type="submit">Send message</button></p>
</form>"""),
    "/login/": ("Sign in", "WebPage", """<form class="login-form" action="/login/" method="post">
<p><label for="user_login">Email or username</label> <input id="user_login" name="log" type="text" autocomplete="username"></p>
<p><label for="user_pass">Password</label> <input id="user_pass" name="pwd" type="password" autocomplete="current-password"></p>
<p><label><input name="rememberme" type="checkbox" value="forever"> Remember me</label></p>
<p><button type="submit">Sign in</button></p>
</form>
<p>Not a subscriber yet? <a href="/subscribe/">See our plans</a>.</p>"""),
    "/subscribe/": ("Subscribe", "WebPage", """<p>Support independent local journalism and read without limits.</p>
<ul class="plans"><li><strong>Digital</strong>: 6 euros a month, first month 1 euro.</li>
<li><strong>Digital + weekend print</strong>: 11 euros a month.</li>
<li><strong>Members</strong>: 15 euros a month, with previews, events and an ad-free site.</li></ul>
<form class="subscribe-form" action="/subscribe/" method="post"><input type="email" name="email" placeholder="Email address">
<button type="submit">Start my subscription</button></form>"""),
    "/privacy/": ("Privacy policy", "WebPage", """<p>We collect the minimum of personal data needed to run this site,
deliver newsletters and manage subscriptions. We use cookies to measure audiences and, with your consent, to show
relevant advertising. You can withdraw consent at any time from the cookie settings.</p>
<p>Questions about your data: write to the data protection officer, 14 Castle Street, Port Alder.</p>"""),
    "/search/": ("Search", "SearchResultsPage", """<p>Enter a search term above to search the archive.</p>"""),
}


def render_static_page(path: str) -> str:
    heading, schema, body = _STATIC[path]
    main = f'<article class="page"><header class="entry-header"><h1 class="entry-title">{heading}</h1></header>\n' \
           f'<div class="entry-content">\n{body}\n</div></article>'
    return wp_document(title=f"{heading} | {SITE_NAME}", main=main, body_class="page",
                       head=_head(path, f"{heading} - {SITE_NAME}", schema))


def render_not_found() -> str:
    main = """<section class="error-404 not-found"><header class="page-header"><h1 class="page-title">Page not found</h1></header>
<div class="page-content"><p>Sorry, the page you were looking for does not exist or has moved.
Try the <a href="/">homepage</a> or the search form above.</p></div></section>"""
    return wp_document(title=f"Page not found | {SITE_NAME}", main=main, body_class="error404",
                       head='<meta name="robots" content="noindex, follow">')


def render_pages() -> dict[str, str]:
    """Every non-article HTML page keyed by URL path (``/404.html`` is the server's 404 body)."""
    pages = {"/": render_home()}
    for slug in SECTIONS:
        pages.update(render_section_pages(slug))
    pages.update({f"/tag/{slugify(t)}/": render_tag_page(t) for t in all_tags()})
    pages.update({f"/author/{a.slug}/": render_author_page(a) for a in AUTHORS})
    pages.update({path: render_static_page(path) for path in _STATIC})
    pages["/404.html"] = render_not_found()
    assert article_by_slug(LEAD_SLUG).listed
    return pages
