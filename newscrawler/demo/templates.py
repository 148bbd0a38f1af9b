"""The three article templates of the demo site: "wp", "paper" and "legacy".

Each wraps the story in the boilerplate its kind of site really has (menus, share
bars, audio players, related links, newsletter boxes, comment forms, ads, cookie
banners), because stripping it is the extractor's job. Shared page chrome (the
WordPress theme used by listings too) lives in :mod:`newscrawler.demo.chrome`.
"""

from __future__ import annotations

from newscrawler.demo.chrome import (
    BASE, MOST_READ_ARTICLES, alt_text, attr, byline_links, esc, fmt_legacy, fmt_long, fmt_paper, json_ld,
    nav_links, paper_iso, post_id, story_paragraphs, word_count, wp_document,
)
from newscrawler.demo.content import (
    SECTIONS, SITE_NAME, SITE_TAGLINE, DemoArticle, author_by_name, listed_articles, related_articles,
    section_articles, slugify,
)


def render_article(article: DemoArticle) -> str:
    """The full HTML page of ``article`` in its template."""
    return {"wp": render_wp, "paper": render_paper, "legacy": render_legacy}[article.template](article)


def _title(article: DemoArticle) -> str:
    return f"{article.title} | {SITE_NAME}"


def _tag_links(article: DemoArticle, sep: str = ", ") -> str:
    return sep.join(f'<a href="/tag/{slugify(t)}/" rel="tag">{esc(t)}</a>' for t in article.tags)


def _person_id(name: str) -> str:
    return f"{BASE}/#/schema/person/{slugify(name)}"


# --- "wp": a WordPress news theme with Yoast SEO -------------------------------------------


def _wp_graph(a: DemoArticle) -> dict:
    url, img, org = BASE + a.path, BASE + a.image_path, f"{BASE}/#organization"
    authors = [{"name": n, "@id": _person_id(n)} for n in a.authors]
    article = {
        "@type": "NewsArticle", "@id": f"{url}#article", "isPartOf": {"@id": url},
        "author": authors[0] if len(authors) == 1 else authors,
        "headline": a.title, "datePublished": a.published, "dateModified": a.modified or a.published,
        "mainEntityOfPage": {"@id": url}, "wordCount": word_count(a), "publisher": {"@id": org},
        "image": {"@id": f"{url}#primaryimage"}, "thumbnailUrl": img, "keywords": list(a.tags),
        "articleSection": [a.section], "inLanguage": "en-US",
    }
    page = {
        "@type": "WebPage", "@id": url, "url": url, "name": _title(a), "isPartOf": {"@id": f"{BASE}/#website"},
        "primaryImageOfPage": {"@id": f"{url}#primaryimage"}, "thumbnailUrl": img,
        "datePublished": a.published, "dateModified": a.modified or a.published, "description": a.description,
        "breadcrumb": {"@id": f"{url}#breadcrumb"}, "inLanguage": "en-US",
        "potentialAction": [{"@type": "ReadAction", "target": [url]}],
    }
    crumbs = [("Home", f"{BASE}/"), (a.section, f"{BASE}/section/{a.section_slug}/"), (a.title, None)]
    people = [{"@type": "Person", "@id": _person_id(n), "name": n, "description": author_by_name(n).bio,
               "url": f"{BASE}/author/{slugify(n)}/"} for n in a.authors]
    return {"@context": "https://schema.org", "@graph": [
        article, page,
        {"@type": "ImageObject", "inLanguage": "en-US", "@id": f"{url}#primaryimage", "url": img,
         "contentUrl": img, "width": 1024, "height": 576, "caption": a.caption},
        {"@type": "BreadcrumbList", "@id": f"{url}#breadcrumb", "itemListElement": [
            {"@type": "ListItem", "position": i, "name": n, **({"item": u} if u else {})}
            for i, (n, u) in enumerate(crumbs, 1)]},
        {"@type": "WebSite", "@id": f"{BASE}/#website", "url": f"{BASE}/", "name": SITE_NAME,
         "description": SITE_TAGLINE, "publisher": {"@id": org}, "inLanguage": "en-US",
         "potentialAction": [{"@type": "SearchAction", "target": {
             "@type": "EntryPoint", "urlTemplate": f"{BASE}/search/?q={{search_term_string}}"},
             "query-input": {"@type": "PropertyValueSpecification", "valueRequired": True,
                             "valueName": "search_term_string"}}]},
        {"@type": "Organization", "@id": org, "name": SITE_NAME, "url": f"{BASE}/",
         "logo": {"@type": "ImageObject", "@id": f"{BASE}/#/schema/logo/image/",
                  "url": f"{BASE}/static/img/logo.png", "contentUrl": f"{BASE}/static/img/logo.png",
                  "width": 240, "height": 60, "caption": SITE_NAME},
         "sameAs": ["https://www.facebook.com/harborherald", "https://x.com/harborherald"]},
        *people,
    ]}


def _wp_head(a: DemoArticle) -> str:
    url, names = BASE + a.path, ", ".join(a.authors)
    minutes = max(1, round(word_count(a) / 220))
    canonical = (f'<link rel="canonical" href="{url}">\n<meta property="og:url" content="{url}">\n'
                 if a.has_canonical else "")
    modified = f'<meta property="article:modified_time" content="{a.modified}">\n' if a.modified else ""
    tags = "".join(f'<meta property="article:tag" content="{attr(t)}">\n' for t in a.tags)
    return f"""<meta name="robots" content="index, follow, max-image-preview:large, max-snippet:-1, max-video-preview:-1">
<meta name="description" content="{attr(a.description)}">
{canonical}<meta property="og:locale" content="en_US">
<meta property="og:type" content="article">
<meta property="og:title" content="{attr(a.title)}">
<meta property="og:description" content="{attr(a.description)}">
<meta property="og:site_name" content="{SITE_NAME}">
<meta property="article:publisher" content="https://www.facebook.com/harborherald">
<meta property="article:published_time" content="{a.published}">
{modified}<meta property="article:section" content="{attr(a.section)}">
{tags}<meta property="og:image" content="{BASE}{a.image_path}">
<meta property="og:image:width" content="1024">
<meta property="og:image:height" content="576">
<meta property="og:image:type" content="image/png">
<meta name="author" content="{attr(names)}">
<meta name="twitter:card" content="summary_large_image">
<meta name="twitter:label1" content="Written by">
<meta name="twitter:data1" content="{attr(names)}">
<meta name="twitter:label2" content="Est. reading time">
<meta name="twitter:data2" content="{minutes} minutes">
<script type="application/ld+json" class="yoast-schema-graph">{json_ld(_wp_graph(a))}</script>"""


def _wp_related(a: DemoArticle) -> str:
    items = "".join(
        f'<li class="related-item"><a href="{r.path}" class="related-thumb"><img src="{r.image_path}" alt="" '
        f'width="300" height="169" loading="lazy"></a><h4 class="related-item-title"><a href="{r.path}">'
        f'{esc(r.title)}</a></h4><time datetime="{r.published}">{fmt_long(r)}</time></li>\n'
        for r in related_articles(a))
    return f'<div class="related-posts">\n<h3 class="related-title">Related posts</h3>\n<ul>\n{items}</ul>\n</div>'


def render_wp(a: DemoArticle) -> str:
    url = BASE + a.path
    paragraphs = "\n".join(f"<p>{p}</p>" for p in story_paragraphs(a))
    pid = post_id(a)
    main = f"""<article id="post-{pid}" class="post-{pid} post type-post status-publish format-standard has-post-thumbnail hentry category-{a.section_slug}">
<header class="entry-header">
<div class="cat-links-wrap"><span class="cat-links"><a href="/section/{a.section_slug}/" rel="category tag">{esc(a.section)}</a></span></div>
<h1 class="entry-title">{esc(a.title)}</h1>
<div class="entry-meta">
<div class="meta-item meta-label-published"><span class="meta-label">Published</span></div>
<div class="meta-item posted-on"><span class="meta-label">on</span> <time class="entry-date published" datetime="{a.published}">{fmt_long(a)}</time></div>
<div class="meta-item byline"><span class="meta-label">By</span> <span class="author vcard">{byline_links(a)}</span></div>
</div>
</header>
<figure class="post-thumbnail wp-caption">
<img width="1024" height="576" src="{a.image_path}" class="attachment-post-thumbnail wp-post-image" alt="{attr(alt_text(a.title))}" decoding="async" fetchpriority="high">
<figcaption class="wp-caption-text">{esc(a.caption)} <span class="photo-credit">Photo: {esc(a.authors[0] if a.authors else "Staff")} / {SITE_NAME}</span></figcaption>
</figure>
<div class="entry-content" itemprop="articleBody">
<div class="audio-player-wrap" data-post-id="{pid}"><div class="audio-player" role="region" aria-label="Audio player">
<button class="ap-play" type="button">Listen to this article</button>
<span class="ap-time">0:00</span><span class="ap-sep">/</span><span class="ap-duration">{max(1, word_count(a) // 160)}:{(word_count(a) * 7) % 60:02d}</span>
<button class="ap-speed" type="button">1x</button>
</div></div>
{paragraphs}
<div class="sharedaddy sd-sharing-enabled"><div class="robots-nocontent sd-block sd-social">
<h3 class="sd-title">Share this:</h3>
<ul class="share-buttons">
<li><a class="share-facebook" href="https://www.facebook.com/sharer/sharer.php?u={url}" rel="nofollow noopener" target="_blank">Share on Facebook</a></li>
<li><a class="share-twitter" href="https://twitter.com/intent/tweet?text={attr(a.title)}&amp;url={url}" rel="nofollow noopener" target="_blank">Tweet</a></li>
<li><a class="share-email" href="mailto:?subject={attr(a.title)}&amp;body={url}" rel="nofollow">Email</a></li>
</ul>
</div></div>
</div>
<footer class="entry-footer"><span class="tags-links"><span class="screen-reader-text">Tags: </span>{_tag_links(a)}</span></footer>
</article>
{_wp_related(a)}
<div id="comments" class="comments-area">
<div id="respond" class="comment-respond">
<h3 id="reply-title" class="comment-reply-title">Leave a Reply</h3>
<form action="/wp-comments-post.php" method="post" id="commentform" class="comment-form">
<p class="comment-notes"><span id="email-notes">Your email address will not be published.</span> Required fields are marked <span class="required">*</span></p>
<p class="comment-form-comment"><label for="comment">Comment <span class="required">*</span></label> <textarea id="comment" name="comment" cols="45" rows="8" required></textarea></p>
<p class="comment-form-author"><label for="author">Name <span class="required">*</span></label> <input id="author" name="author" type="text" size="30" required></p>
<p class="comment-form-email"><label for="email">Email <span class="required">*</span></label> <input id="email" name="email" type="email" size="30" required></p>
<p class="comment-form-cookies-consent"><input id="wp-comment-cookies-consent" name="wp-comment-cookies-consent" type="checkbox" value="yes"> <label for="wp-comment-cookies-consent">Save my name, email, and website in this browser for the next time I comment.</label></p>
<p class="form-submit"><input name="submit" type="submit" id="submit" class="submit" value="Post Comment"> <input type="hidden" name="comment_post_ID" value="{pid}" id="comment_post_ID"></p>
</form>
</div>
</div>"""
    return wp_document(title=_title(a), head=_wp_head(a), main=main,
                       body_class=f"post-template-default single single-post postid-{pid} single-format-standard")


# --- "paper": a modern newspaper site ---------------------------------------------------------


def _paper_jsonld(a: DemoArticle) -> dict:
    url = BASE + a.path
    data: dict = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": a.title,
                  "description": a.description, "datePublished": paper_iso(a, a.published),
                  "dateModified": paper_iso(a, a.modified or a.published)}
    if a.authors:
        data["author"] = [{"@type": "Person", "name": n, "url": f"{BASE}/author/{slugify(n)}/"} for n in a.authors]
    data.update({
        "publisher": {"@type": "Organization", "name": SITE_NAME, "logo": {
            "@type": "ImageObject", "url": f"{BASE}/static/img/logo.png", "width": 240, "height": 60}},
        "image": [{"@type": "ImageObject", "url": BASE + a.image_path, "width": 1024, "height": 576}],
        "articleSection": a.section, "keywords": ", ".join(a.tags), "inLanguage": a.language,
        "isAccessibleForFree": True,
    })
    if a.has_canonical:
        data["mainEntityOfPage"] = {"@type": "WebPage", "@id": url}
    return data


def _mega_menu() -> str:
    items = []
    for slug, name in SECTIONS.items():
        top = "".join(f'<li><a href="{s.path}">{esc(s.title)}</a></li>'
                      for s in [x for x in section_articles(slug) if not x.duplicate_of][:3])
        items.append(f'<li class="mega-item"><a href="/section/{slug}/">{name}</a>'
                     f'<div class="mega-panel"><p class="mega-heading">Latest in {name}</p><ul>{top}</ul>'
                     f'<a class="mega-more" href="/section/{slug}/">All {name} news</a></div></li>')
    return "\n".join(items)


def render_paper(a: DemoArticle) -> str:
    url = BASE + a.path
    canonical = f'<link rel="canonical" href="{url}">\n<meta property="og:url" content="{url}">\n' if a.has_canonical else ""
    locale = {"en": "en_GB", "fr": "fr_FR", "de": "de_DE"}[a.language]
    names = [f'<a rel="author" href="/author/{slugify(n)}/">{esc(n)}</a>' for n in a.authors]
    byline = (f'<span class="byline">By {", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else names[0]}</span>\n'
              if names else "")
    updated = (f'<span class="story-updated">Last modified on <time datetime="{paper_iso(a, a.modified)}">'
               f"{fmt_paper(a, a.modified)}</time></span>\n" if a.modified else "")
    read_more = related_articles(a, 1)[0]
    body = []
    for i, p in enumerate(story_paragraphs(a), 1):
        body.append(f"<p>{p}</p>")
        if i == 2:
            body.append(f'<p class="read-more"><strong>Read more:</strong> <a href="{read_more.path}">'
                        f"{esc(read_more.title)}</a></p>")
        if i == 3:
            body.append("""<aside class="newsletter-inline" aria-label="Newsletter sign-up">
<h2 class="newsletter-title">Sign up to Morning Tide</h2>
<p>Our free daily briefing: the stories that matter in Port Alder, before your first coffee.</p>
<form class="newsletter-form" action="/newsletter/subscribe/" method="post"><label for="nl-email">Email address</label> <input id="nl-email" name="email" type="email" placeholder="you@example.com"> <button type="submit">Sign up</button></form>
<p class="newsletter-small">We will never share your address. <a href="/privacy/">Privacy notice</a></p>
</aside>""")
    ticker = "".join(f'<li><a href="{t.path}">{esc(t.title)}</a></li>' for t in listed_articles()[:3])
    most_read = "".join(f'<li><a href="{m.path}"><span class="mr-title">{esc(m.title)}</span></a></li>'
                        for m in MOST_READ_ARTICLES)
    return f"""<!doctype html>
<html lang="{a.language}" class="no-js">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(_title(a))}</title>
<meta name="description" content="{attr(a.description)}">
{canonical}<meta property="og:type" content="article">
<meta property="og:title" content="{attr(a.title)}">
<meta property="og:description" content="{attr(a.description)}">
<meta property="og:image" content="{BASE}{a.image_path}">
<meta property="og:site_name" content="{SITE_NAME}">
<meta property="og:locale" content="{locale}">
<meta name="twitter:card" content="summary_large_image">
<meta name="twitter:site" content="@harborherald">
<link rel="alternate" type="application/rss+xml" title="{SITE_NAME}" href="/feed.xml">
<link rel="stylesheet" href="/static/css/paper.css">
<script type="application/ld+json">{json_ld(_paper_jsonld(a))}</script>
<script>document.documentElement.className = "js"; window.__consent = {{"analytics": false}};</script>
</head>
<body class="paper section-{a.section_slug}">
<div class="cookie-banner" role="dialog" aria-label="Cookie consent">
<p>We use cookies and similar technologies to run this site, measure audiences and show you relevant advertising. You can change your choices at any time. <a href="/privacy/">Read our privacy policy</a>.</p>
<button type="button" class="cookie-accept">Accept all</button> <button type="button" class="cookie-manage">Manage preferences</button>
</div>
<header class="site-header">
<div class="header-top"><a class="logo" href="/"><img src="/static/img/logo.png" alt="{SITE_NAME}" width="240" height="60"></a>
<div class="header-actions"><a class="btn-subscribe" href="/subscribe/">Subscribe</a> <a class="btn-signin" href="/login/">Sign in</a></div></div>
<nav class="mega-menu" aria-label="Sections"><ul>
<li class="mega-item"><a href="/">Home</a></li>
{_mega_menu()}
</ul></nav>
</header>
<div class="ticker" role="marquee"><span class="ticker-label">Breaking</span><ul>{ticker}</ul></div>
<main class="page-main">
<article class="story">
<div class="story-kicker"><a href="/section/{a.section_slug}/">{esc(a.section)}</a></div>
<h1 class="story-headline">{esc(a.title)}</h1>
<p class="standfirst">{esc(a.description)}</p>
<div class="story-meta">
{byline}<time class="story-date" datetime="{paper_iso(a, a.published)}">{fmt_paper(a, a.published)}</time>
{updated}</div>
<figure class="story-image"><img src="{a.image_path}" alt="{attr(a.caption)}" width="1024" height="576">
<figcaption>{esc(a.caption)} <span class="credit">Photograph: {SITE_NAME}</span></figcaption></figure>
<div class="story-body">
{chr(10).join(body)}
</div>
<div class="story-topics"><h2>Topics</h2><ul>{"".join(f'<li><a href="/tag/{slugify(t)}/">{esc(t)}</a></li>' for t in a.tags)}</ul></div>
<section class="comments" id="comments">
<h2>Comments ({(len(a.title) * 3) % 40 + 2})</h2>
<p>Comments on this story are premoderated to keep the discussion on topic. <a href="/login/">Sign in to comment</a>.</p>
</section>
</article>
<aside class="most-read"><h2>Most read</h2><ol>{most_read}</ol></aside>
</main>
<div class="paywall-box">
<h2>Subscribe for unlimited access</h2>
<p>Independent local journalism costs money to produce. Subscribe from 1 euro for the first month and read as many stories as you like, ad-free.</p>
<a class="btn-subscribe" href="/subscribe/">Subscribe now</a> <a href="/login/">Already a subscriber? Sign in</a>
</div>
<footer class="site-footer">
<nav aria-label="Footer">{nav_links()} <a href="/privacy/">Privacy</a> <a href="/subscribe/">Subscribe</a></nav>
<p>&copy; 2026 {SITE_NAME}. All rights reserved. Registered in Port Alder.</p>
</footer>
</body>
</html>
"""


# --- "legacy": an old table-based CMS ----------------------------------------------------------


def render_legacy(a: DemoArticle) -> str:
    paragraphs = story_paragraphs(a)
    story = []
    for i, p in enumerate(paragraphs, 1):
        # The last paragraph is deliberately left unclosed (the CMS never closed it).
        story.append(f"<p>{p}" if i == len(paragraphs) else f"<p>{p}</p>")
        if i == 2:
            story.append('<div class="ad ad-inline"><small>Advertisement</small><div class="ad-slot" '
                         'data-slot="story-inline-300x250"></div></div>')
    names = " and ".join(f"<b>{esc(n)}</b>" for n in a.authors)
    more = "".join(f'<li><a href="{m.path}">{esc(m.title)}</a></li>' for m in related_articles(a, 4))
    popular = "".join(f'<li><a href="{m.path}">{esc(m.title)}</a></li>' for m in MOST_READ_ARTICLES)
    sections = "".join(f'<tr><td class="navcell"><a href="/section/{s}/">{n}</a></td></tr>' for s, n in SECTIONS.items())
    return f"""<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN" "http://www.w3.org/TR/html4/loose.dtd">
<html lang="{a.language}">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>{esc(_title(a))}</title>
<meta name="description" content="{attr(a.description)}">
<meta name="keywords" content="{attr(", ".join(a.tags))}">
<meta name="author" content="{attr(", ".join(a.authors))}">
<meta property="article:published_time" content="{a.published}">
<link rel="stylesheet" type="text/css" href="/static/css/legacy.css">
<link rel="alternate" type="application/rss+xml" title="{SITE_NAME} - Top Stories" href="/feed.xml">
<script type="text/javascript">
var _gaq = _gaq || []; _gaq.push(['_setAccount', 'UA-0000000-1']); _gaq.push(['_trackPageview']);
function textSize(d) {{ var s = document.getElementById('story'); s.style.fontSize = (d > 0 ? '115%' : '100%'); }}
</script>
</head>
<body bgcolor="#ffffff" topmargin="0" leftmargin="0" marginwidth="0" marginheight="0">
<table width="980" border="0" cellspacing="0" cellpadding="0" align="center" class="outer">
<tr><td colspan="3" class="masthead"><a href="/"><img src="/static/img/logo.png" alt="{SITE_NAME}" width="240" height="60" border="0"></a> <span class="tagline">{SITE_TAGLINE}</span></td></tr>
<tr><td colspan="3" class="topnav">{nav_links(" | ")}</td></tr>
<tr>
<td width="160" valign="top" class="leftcol">
<table width="100%" cellspacing="0" cellpadding="3" border="0"><tr><td class="navhead">SECTIONS</td></tr>{sections}</table>
<div class="ad ad-skyscraper"><small>Advertisement</small><div class="ad-slot" data-slot="left-160x600"></div></div>
</td>
<td width="620" valign="top" class="maincol">
<div class="breadcrumb"><a href="/">Home</a> &gt; <a href="/section/{a.section_slug}/">{esc(a.section)}</a> &gt; {esc(a.title)}</div>
<div class="tools"><a href="javascript:window.print()">Print this story</a> | <a href="mailto:?subject={attr(a.title)}">Email to a friend</a> | Text size: <a href="javascript:textSize(1)">A+</a> <a href="javascript:textSize(-1)">A-</a></div>
<h1 class="headline"><font face="Georgia, Times New Roman, serif" size="5">{esc(a.title)}</font></h1>
<div class="byline">{"By " + names + ", Herald Staff<br>" if names else ""}Posted: {fmt_legacy(a)}</div>
<table cellpadding="0" cellspacing="0" border="0" align="right" class="photo"><tr><td><img src="{a.image_path}" width="240" height="135" alt="" border="0"></td></tr><tr><td class="caption"><font size="1">File photo</font></td></tr></table>
<div id="story">
<font face="Verdana, Arial, sans-serif" size="2">
{chr(10).join(story)}
</font>
</div>
<div class="storyfoot"><a href="#top">Back to top</a> | Comments are closed for this story. | <a href="/contact/">Report an error</a></div>
<div class="more"><b>More {esc(a.section)} news</b><ul>{more}</ul></div>
</td>
<td width="200" valign="top" class="rightcol">
<div class="ad ad-box"><small>Advertisement</small><div class="ad-slot" data-slot="right-200x200"></div></div>
<div class="popular"><b>Most popular</b><ol>{popular}</ol></div>
<div class="weather"><b>Port Alder weather</b><br>Showers, 9&deg;C. High tide 14:32.</div>
</td>
</tr>
<tr><td colspan="3" class="footer"><font size="1">&copy; 1998-2026 {SITE_NAME}. All rights reserved. | <a href="/about/">About us</a> | <a href="/contact/">Contact</a> | <a href="/privacy/">Privacy</a></font></td></tr>
</table>
</body>
</html>
"""


__all__ = ["render_article", "render_wp", "render_paper", "render_legacy"]
