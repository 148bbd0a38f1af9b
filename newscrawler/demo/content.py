"""The demo news site's content as data: articles, authors, sections, and who links to what.

The demo site (``newscrawler demo``) is also the main fixture of the end-to-end tests,
which assert exactly which URLs a correct crawl archives and with which text and
metadata: the flags of each :class:`DemoArticle` say how it can be discovered.

Everything here is fictional: Port Alder, the Calder estuary, The Harbor Herald and
every person named.

Discovery, per flag (all URLs are site paths; see ``pages.py`` / ``feeds.py``):

* ``listed``: on its section page (paginated, 5 per page), its tag and author pages,
  and on the homepage when among the 12 newest listed articles.
* ``in_feeds``: in ``/feed.xml`` (RSS, the 10 newest) and/or ``/atom.xml`` (Atom, all).
* ``in_sitemap``: in ``/sitemap-posts.xml``; the 6 newest also in ``/news-sitemap.xml``.
* ``link_only``: linked only from the body of another article (``body_links``).
* ``disallowed``: under ``/private/`` (robots.txt), linked from the homepage only.
* ``duplicate_of``: a syndicated copy (same title and paragraphs) of the article at that
  path, with no rel=canonical, linked from its section page only.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from newscrawler.demo.content_text_a import BODIES_A
from newscrawler.demo.content_text_b import BODIES_B

SITE_NAME = "The Harbor Herald"
SITE_TAGLINE = "News from Port Alder and the Calder estuary"
BASE_URL_PLACEHOLDER = "__BASE_URL__"
UTM_QUERY = "utm_source=home&utm_medium=web"  # on the homepage's link to the lead story

SECTIONS: dict[str, str] = {  # slug -> name (the name is what pages declare as the section)
    "local": "Local",
    "business": "Business",
    "tech": "Tech",
    "science": "Science",
    "culture": "Culture",
}

Template = Literal["wp", "paper", "legacy"]


@dataclass(frozen=True)
class Author:
    name: str
    role: str
    bio: str

    @property
    def slug(self) -> str:
        return slugify(self.name)


AUTHORS: tuple[Author, ...] = (
    Author("Maren Holt", "City Hall reporter",
           "Maren Holt covers the city council, budgets and transport. She joined the Herald in 2015."),
    Author("Ruth Adeyemi", "Local news reporter",
           "Ruth Adeyemi reports on schools, libraries and life in Port Alder's neighborhoods."),
    Author("Tobias Okafor", "Business editor",
           "Tobias Okafor writes about the port, shipping and the businesses of the Calder estuary."),
    Author("Priya Raman", "Technology correspondent",
           "Priya Raman covers technology, data and the digital economy of Kestrel County."),
    Author("Elias Brandt", "Science reporter",
           "Elias Brandt writes about science, energy and the night sky."),
    Author("Hannah Kerr", "Environment reporter",
           "Hannah Kerr covers the estuary, its wildlife and the environment."),
    Author("Lucía Ferrer", "Arts and culture writer",
           "Lucía Ferrer writes about art, music and the city's cultural life."),
    Author("Sophie Laurent", "Édition française",
           "Sophie Laurent edits the Herald's French-language pages."),
    Author("Jonas Weber", "Contributing correspondent",
           "Jonas Weber reports for the Herald from Port Alder's partner towns."),
    Author("Owen Pryce", "Senior reporter",
           "Owen Pryce has covered the harbor and its history for the Herald since 1998."),
)


@dataclass(frozen=True)
class DemoArticle:
    """One article page of the demo site and how a crawler can reach it."""

    slug: str
    path: str  # URL path on the site
    template: Template
    title: str
    authors: tuple[str, ...]  # may be empty (an agency story)
    published: str  # ISO 8601 with offset; what a correct extraction yields
    section: str  # section name as declared by the page, e.g. "Local" (see SECTIONS)
    tags: tuple[str, ...]
    description: str
    paragraphs: tuple[str, ...]
    modified: str | None = None
    language: str = "en"
    caption: str = ""  # photo caption (wp and paper templates)
    body_links: tuple[tuple[str, str], ...] = ()  # (phrase in a paragraph, slug of the linked article)
    in_feeds: bool = False
    in_sitemap: bool = False
    listed: bool = True  # on home/section/tag/author pages
    link_only: bool = False
    disallowed: bool = False
    duplicate_of: str | None = None  # path of the original
    naive_date: bool = False  # JSON-LD and <time> dates without offset (``published`` is then UTC)

    @property
    def text(self) -> str:
        """The clean text a correct extraction yields: one paragraph per line."""
        return "\n".join(self.paragraphs)

    @property
    def section_slug(self) -> str:
        return next(slug for slug, name in SECTIONS.items() if name == self.section)

    @property
    def published_at(self) -> datetime:
        return datetime.fromisoformat(self.published)

    @property
    def modified_at(self) -> datetime | None:
        return datetime.fromisoformat(self.modified) if self.modified else None

    @property
    def image_path(self) -> str:
        slug = article_by_path(self.duplicate_of).slug if self.duplicate_of else self.slug
        if self.template == "wp":
            return f"/wp-content/uploads/{self.published[:4]}/{self.published[5:7]}/{slug}-1024x576.png"
        if self.template == "paper":
            return f"/media/img/{self.published[:4]}/{self.published[5:7]}/{slug}.png"
        return f"/images/stories/{slug}.png"

    @property
    def has_canonical(self) -> bool:
        """Whether the page declares rel=canonical / og:url (legacy pages and copies do not)."""
        return self.template != "legacy" and self.duplicate_of is None

    def url(self, base_url: str) -> str:
        return base_url.rstrip("/") + self.path

    def canonical_url(self, base_url: str) -> str | None:
        return self.url(base_url) if self.has_canonical else None

    def image_url(self, base_url: str) -> str | None:
        """og:image as declared (legacy pages declare none)."""
        return None if self.template == "legacy" else base_url.rstrip("/") + self.image_path


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


_BODIES = {**BODIES_A, **BODIES_B}


def _article(slug: str, **fields: object) -> DemoArticle:
    return DemoArticle(slug=slug, paragraphs=_BODIES[slug], **fields)  # type: ignore[arg-type]


_ALL_CHANNELS = {"in_feeds": True, "in_sitemap": True}

_ORIGINALS: tuple[DemoArticle, ...] = (
    _article(
        "harbor-bridge-reopens", path="/2026/03/23/harbor-bridge-reopens/", template="wp",
        title="Harbor Bridge reopens to traffic after eleven-month repair", authors=("Maren Holt",),
        published="2026-03-23T08:10:00+01:00", modified="2026-03-23T11:45:00+01:00", section="Local",
        tags=("Harbor Bridge", "Transport", "Roadworks"),
        description="The Calder Harbor Bridge reopened to cars and buses on Monday, two weeks ahead of schedule"
                    " and just under budget.",
        caption="The first cars cross the Harbor Bridge shortly after 6 a.m. on Monday.",
        body_links=(("the 1979 flood", "flood-1979-retrospective"),), **_ALL_CHANNELS),
    _article(
        "container-terminal-record-quarter", path="/business/2026/mar/22/container-terminal-record-quarter",
        template="paper", title="Container terminal posts record quarter despite crane outage",
        authors=("Tobias Okafor",), published="2026-03-22T17:30:00+01:00", section="Business",
        tags=("Port Alder Container Terminal", "Shipping", "Jobs"),
        description="A berth-booking system cut waiting times at anchor and brought two new feeder services.",
        caption="Ship-to-shore cranes at the Port Alder Container Terminal.", **_ALL_CHANNELS),
    _article(
        "night-bus-trial-approved", path="/news/local/night-bus-trial-approved.html", template="legacy",
        title="Council approves night bus trial for eastern districts", authors=("Maren Holt", "Ruth Adeyemi"),
        published="2026-03-22T09:05:00+01:00", section="Local", tags=("Transport", "City Council", "Eastgate"),
        description="Buses will run every 30 minutes through the night on Fridays and Saturdays from May.",
        **_ALL_CHANNELS),
    _article(
        "open-data-portal-launches", path="/2026/03/21/open-data-portal-launches/", template="wp",
        title="City’s open-data portal goes live with real-time tide and parking feeds",
        authors=("Priya Raman",), published="2026-03-21T14:20:00+01:00", modified="2026-03-21T16:05:00+01:00",
        section="Tech", tags=("Open Data", "City Council", "Privacy"),
        description="More than 200 data sets and live feeds are free to use, including for commercial apps.",
        caption="The portal’s live tide chart for the harbor mouth.", **_ALL_CHANNELS),
    _article(
        "fog-disrupts-ferries", path="/local/2026/mar/21/fog-disrupts-ferries", template="paper",
        title="Dense fog halts estuary ferries for a second morning", authors=("Ruth Adeyemi",),
        published="2026-03-21T06:50:00+01:00", section="Local", tags=("Ferries", "Transport"),
        description="Sailings were suspended when visibility at the harbor mouth fell below 200 meters.",
        caption="The Quayside ferry pier in fog on Saturday morning.", in_feeds=True, listed=False),
    _article(
        "seal-count-record", path="/science/2026/mar/20/seal-count-record", template="paper",
        title="Estuary seal count reaches highest level in two decades", authors=("Elias Brandt", "Hannah Kerr"),
        published="2026-03-20T10:00:00+01:00", modified="2026-03-20T14:30:00+01:00", section="Science",
        tags=("Wildlife", "Calder Estuary", "Environment"),
        description="Volunteers counted 412 harbor seals in the February census, up from 287 a decade ago.",
        caption="Harbor seals hauled out on a sandbank near Gull Point.",
        body_links=(("microplastics survey", "microplastics-estuary-study"),), **_ALL_CHANNELS),
    _article(
        "cannery-artist-studios", path="/2026/03/19/cannery-artist-studios/", template="wp",
        title="Old cannery reopens as home to 40 artists’ studios", authors=("Lucía Ferrer",),
        published="2026-03-19T19:45:00+01:00", section="Culture", tags=("Arts", "Old Cannery", "Heritage"),
        description="The Wharf Street cannery, empty since 1987, now houses studios, a print workshop and a gallery.",
        caption="Visitors in the former canning hall on opening night.", in_sitemap=True),
    _article(
        "partnerstadt-hafenfest", path="/news/culture/partnerstadt-kleinwerder-hafenfest.html",
        template="legacy", title="Partnerstadt Kleinwerder schickt Delegation zum Hafenfest",
        authors=("Jonas Weber",), published="2026-03-19T07:30:00+01:00", section="Culture", language="de",
        tags=("Kleinwerder", "Hafenfest", "Städtepartnerschaft"),
        description="60 Gäste aus der Partnerstadt kommen im Juni zum Hafenfest nach Port Alder.",
        **_ALL_CHANNELS),
    _article(
        "festival-du-film-selection", path="/culture/2026/mar/18/festival-du-film-selection", template="paper",
        title="Le festival du film de Port Alder dévoile une sélection très locale", authors=("Sophie Laurent",),
        published="2026-03-18T16:00:00+01:00", section="Culture", language="fr",
        tags=("Cinéma", "Festival du film"),
        description="Dix-neuf des 46 films retenus pour la douzième édition ont été tournés dans la région.",
        caption="Le cinéma Le Phare accueillera le film d’ouverture.", **_ALL_CHANNELS),
    _article(
        "library-sunday-hours", path="/2026/03/18/library-sunday-hours/", template="wp",
        title="Central library to open on Sundays from April", authors=("Ruth Adeyemi",),
        published="2026-03-18T11:15:00+01:00", section="Local", tags=("City Council",),
        description="A three-year grant pays for four part-time staff so the Castle Street library can open.",
        caption="The reading room of the central library on Castle Street.", in_sitemap=True, listed=False),
    _article(
        "fish-market-relocation", path="/news/business/fish-market-relocation.html", template="legacy",
        title="Fish market traders agree move to North Quay", authors=("Owen Pryce",),
        published="2026-03-17T13:40:00+01:00", section="Business",
        tags=("Fish Market", "Harbor Authority", "North Quay"),
        description="The harbor authority will build a new hall with 34 stalls and freeze rents for five years.",
        in_feeds=True),
    _article(
        "fishing-fleet-quota-talks", path="/local/2026/mar/17/fishing-fleet-quota-talks", template="paper",
        title="Fishing fleet stays in port as quota talks stall", authors=(),
        published="2026-03-17T09:00:00+01:00", section="Local", tags=("Fishing", "Quotas", "Kestrel County"),
        description="About 40 inshore boats are tied up while ministers argue over cod and whiting quotas.",
        caption="Inshore boats moored in the fishing harbor on Tuesday.", **_ALL_CHANNELS),
    _article(
        "microplastics-estuary-study", path="/2026/03/16/microplastics-estuary-study/", template="wp",
        title="University lab maps microplastics along the Calder estuary", authors=("Hannah Kerr",),
        published="2026-03-16T15:30:00+01:00", section="Science",
        tags=("Calder Estuary", "Pollution", "Port Alder University"),
        description="Concentrations near three storm drain outfalls were up to eight times higher than elsewhere.",
        caption="Volunteers collect sediment samples at low tide.", **_ALL_CHANNELS),
    _article(
        "harborside-housing-objections", path="/local/2026/mar/15/harborside-housing-objections",
        template="paper", title="Harborside housing plan draws 600 objections", authors=("Maren Holt", "Owen Pryce"),
        published="2026-03-15T10:20:00+00:00", section="Local", tags=("Housing", "Planning", "Harborside"),
        description="Residents object to fourteen-story towers and too few parking spaces on the gasworks site.",
        caption="The former gasworks site at Harborside.", naive_date=True, in_sitemap=True,
        body_links=(("rise in council tax", "council-tax-rise"),)),
    _article(
        "flood-1979-retrospective", path="/news/features/1979-flood-how-port-alder-changed.html",
        template="legacy", title="How the 1979 flood reshaped Port Alder", authors=("Owen Pryce",),
        published="2026-03-14T18:05:00+01:00", section="Local", tags=("Harbor Bridge", "Heritage"),
        description="The night the Calder burst its banks changed the city's sea wall, its plans and its streets.",
        listed=False, link_only=True),
    _article(
        "school-meals-expansion", path="/2026/03/13/school-meals-expansion/", template="wp",
        title="Free school meals to be extended to every primary pupil", authors=("Ruth Adeyemi",),
        published="2026-03-13T08:45:00+01:00", section="Local", tags=("Schools", "City Council"),
        description="About 9,800 pupils at 31 schools will be offered a free hot lunch from September.",
        caption="Lunchtime at St. Brendan’s Primary in Eastgate.", **_ALL_CHANNELS),
    _article(
        "broadband-rollout-target", path="/tech/2026/mar/12/broadband-rollout-target", template="paper",
        title="Rural broadband rollout falls short of year-end target", authors=("Priya Raman",),
        published="2026-03-12T12:00:00+01:00", section="Tech", tags=("Kestrel County", "Small Business"),
        description="Only 5,200 of the promised 8,000 rural properties were connected last year.",
        caption="Fiber ducts waiting to be laid along the coast road.", in_sitemap=True, listed=False),
    _article(
        "comet-beacon-hill", path="/news/science/comet-beacon-hill.html", template="legacy",
        title="Amateur astronomers spot comet from Beacon Hill", authors=("Elias Brandt",),
        published="2026-03-11T17:20:00+01:00", section="Science", tags=("Astronomy", "Beacon Hill"),
        description="The comet could become visible to the naked eye from dark places in April.",
        **_ALL_CHANNELS),
    _article(
        "chandlery-centenary", path="/2026/03/10/chandlery-centenary/", template="wp",
        title="Family-run chandlery marks 100 years on Wharf Street", authors=("Tobias Okafor",),
        published="2026-03-10T09:30:00+01:00", section="Local", tags=("Small Business", "Wharf Street", "Heritage"),
        description="Crane & Daughters has sold rope, paint and fittings to the harbor since 1926.",
        caption="Eleanor Crane behind the counter of the Wharf Street shop."),
    _article(
        "lifeboat-crew-honored", path="/local/2026/mar/09/lifeboat-crew-honored", template="paper",
        title="Lifeboat crew honored for night rescue off Gull Point", authors=("Ruth Adeyemi",),
        published="2026-03-09T14:10:00+01:00", section="Local", tags=("Lifeboat", "Gull Point"),
        description="Five volunteers saved two fishermen from an upturned boat during a November gale.",
        caption="The Port Alder lifeboat returning to station."),
    _article(
        "flood-barrier-test", path="/news/local/flood-barrier-test.html", template="legacy",
        title="Flood barrier to be closed for annual test on Sunday", authors=("Owen Pryce",),
        published="2026-03-08T11:00:00+01:00", section="Local", tags=("Harbor Authority", "Calder Estuary"),
        description="Sirens will sound at 6:45 a.m. and the harbor will be closed to shipping for three hours.",
        in_feeds=True, listed=False),
    _article(
        "electric-water-taxis", path="/2026/03/07/electric-water-taxis/", template="wp",
        title="Startup begins trials of electric water taxis", authors=("Priya Raman", "Tobias Okafor"),
        published="2026-03-07T16:40:00+01:00", section="Tech", tags=("Startups", "Ferries", "Transport"),
        description="Tidewater Mobility’s on-demand boats will link the Quayside, the university and South Landing.",
        caption="One of Tidewater Mobility’s two trial boats at the Quayside pontoon."),
    _article(
        "market-square-cobbles", path="/news/local/market-square-cobbles.html", template="legacy",
        title="Market Square cobbles to be lifted and relaid", authors=("Maren Holt",),
        published="2026-03-06T08:30:00+01:00", section="Local", tags=("Heritage", "Market Square", "City Council"),
        description="The weekly market moves to Castle Street during the 1.9 million euro restoration."),
    _article(
        "tidal-energy-pilot", path="/science/2026/mar/05/tidal-energy-pilot", template="paper",
        title="Tidal turbine pilot delivers first power to the grid", authors=("Elias Brandt",),
        published="2026-03-05T10:50:00+01:00", section="Science",
        tags=("Energy", "Port Alder University", "Calder Estuary"),
        description="A 500-kilowatt turbine at the harbor mouth will be monitored for at least two years.",
        caption="The turbine before it was lowered to the seabed in February."),
    _article(
        "harbor-master-retires", path="/2026/03/04/harbor-master-retires/", template="wp",
        title="Harbor master steps down after 31 years", authors=("Owen Pryce",),
        published="2026-03-04T12:30:00+01:00", section="Local", tags=("Harbor Authority", "People"),
        description="Gordon Teague joined the port as a deckhand in 1978 and ran it through three decades of change.",
        caption="Gordon Teague in the harbor office control room."),
    _article(
        "council-tax-rise", path="/news/local/council-tax-rise.html", template="legacy",
        title="Council tax to rise 3.9 percent as budget is approved", authors=("Maren Holt",),
        published="2026-03-03T09:15:00+01:00", section="Local", tags=("City Council", "Budget"),
        description="The increase adds about 68 euros a year to a typical bill; 45 jobs will go.",
        in_sitemap=True),
    _article(
        "newsroom-preview", path="/private/2026/03/20/newsroom-preview/", template="wp",
        title="Members’ preview: inside the Herald’s new Quayside newsroom", authors=("Owen Pryce",),
        published="2026-03-20T09:00:00+01:00", section="Local", tags=("Heritage",),
        description="An early look for members at the converted warehouse that will be our new home.",
        caption="The converted grain warehouse on the Quayside.", listed=False, disallowed=True),
)


def _syndicated_copy(original: DemoArticle, path: str, published: str) -> DemoArticle:
    """The same story republished under another URL (no canonical, on its section page only)."""
    return DemoArticle(
        slug=original.slug + "-syndicated", path=path, template=original.template, title=original.title,
        authors=original.authors, published=published, section=original.section, tags=original.tags,
        description=original.description, paragraphs=original.paragraphs, language=original.language,
        caption=original.caption, duplicate_of=original.path)


ARTICLES: tuple[DemoArticle, ...] = (
    *_ORIGINALS,
    _syndicated_copy(next(a for a in _ORIGINALS if a.slug == "fishing-fleet-quota-talks"),
                     "/syndicated/wire/2026/03/17/fishing-fleet-quota-talks", "2026-03-17T12:40:00+01:00"),
)

# "Most read" / "Trending" boxes: listed articles only (so they add no discovery path),
# and not the lead story (the homepage links that one only with tracking parameters).
MOST_READ: tuple[str, ...] = ("seal-count-record", "fish-market-relocation", "harborside-housing-objections",
                              "chandlery-centenary", "cannery-artist-studios")
LEAD_SLUG = "harbor-bridge-reopens"
HOMEPAGE_COUNT = 12
SECTION_PAGE_SIZE = 5
RSS_COUNT = 10
NEWS_SITEMAP_COUNT = 6


# --- lookups ---------------------------------------------------------------------------


def article_by_slug(slug: str) -> DemoArticle:
    return next(a for a in ARTICLES if a.slug == slug)


def article_by_path(path: str | None) -> DemoArticle:
    return next(a for a in ARTICLES if a.path == path)


def author_by_name(name: str) -> Author:
    return next(a for a in AUTHORS if a.name == name)


def newest_first(articles: list[DemoArticle] | tuple[DemoArticle, ...]) -> list[DemoArticle]:
    return sorted(articles, key=lambda a: (-a.published_at.timestamp(), a.path))


def archived_articles() -> list[DemoArticle]:
    """What a correct crawl archives: everything but the robots-disallowed page and syndicated copies."""
    return [a for a in ARTICLES if not a.disallowed and a.duplicate_of is None]


def listed_articles() -> list[DemoArticle]:
    """Articles on the homepage (the newest), tag and author pages, newest first."""
    return newest_first([a for a in ARTICLES if a.listed and a.duplicate_of is None])


def homepage_articles() -> list[DemoArticle]:
    return listed_articles()[:HOMEPAGE_COUNT]


def section_articles(section_slug: str) -> list[DemoArticle]:
    """A section's listing, newest first: its listed articles plus its syndicated copies."""
    return newest_first([a for a in ARTICLES if a.section_slug == section_slug
                         and ((a.listed and a.duplicate_of is None) or a.duplicate_of is not None)])


def tag_articles(tag: str) -> list[DemoArticle]:
    return [a for a in listed_articles() if tag in a.tags]


def author_articles(name: str) -> list[DemoArticle]:
    return [a for a in listed_articles() if name in a.authors]


def all_tags() -> list[str]:
    """Every tag shown on a page (each has a tag page)."""
    return sorted({t for a in ARTICLES for t in a.tags}, key=slugify)


def rss_articles() -> list[DemoArticle]:
    return newest_first([a for a in ARTICLES if a.in_feeds])[:RSS_COUNT]


def atom_articles() -> list[DemoArticle]:
    return newest_first([a for a in ARTICLES if a.in_feeds])


def sitemap_articles() -> list[DemoArticle]:
    return newest_first([a for a in ARTICLES if a.in_sitemap])


def news_sitemap_articles() -> list[DemoArticle]:
    return sitemap_articles()[:NEWS_SITEMAP_COUNT]


def related_articles(article: DemoArticle, count: int = 3) -> list[DemoArticle]:
    """Listed articles for "Related posts"/"Read more" boxes: same section first, then the newest."""
    others = [a for a in listed_articles() if a.slug != article.slug and a.path != article.duplicate_of]
    same = [a for a in others if a.section == article.section]
    return (same + [a for a in others if a not in same])[:count]
