"""Story paragraphs of the demo site, part 1 (newest stories). Keyed by article slug.

All names, places and events are fictional.
"""

from __future__ import annotations

BODIES_A: dict[str, tuple[str, ...]] = {
    "harbor-bridge-reopens": (
        "The Calder Harbor Bridge reopened to cars and buses shortly after 6 a.m. on Monday, ending an"
        " eleven-month closure that forced thousands of commuters onto ferries and a 14-kilometer detour"
        " through Millbrook. The first vehicle across was a number 7 bus, whose driver sounded the horn"
        " twice as a small crowd of early risers applauded from the footpath on the northern approach.",
        "Engineers replaced 212 corroded steel hangers, resurfaced the full 640-meter deck and installed new"
        " expansion joints at both abutments. The city’s transport committee said the work finished two weeks"
        " ahead of schedule and about 1.2 million euros under the approved budget of 38 million, largely"
        " because the winter was milder than forecast and fewer working days were lost to high winds.",
        "The bridge was last shut for this long after the 1979 flood, when floodwater undermined the southern"
        " pier and the crossing stayed closed for almost a year. Officials said the new monitoring system,"
        " which uses 96 sensors to measure strain and vibration in real time, should make another long"
        " closure unlikely for at least three decades.",
        "“This has been a difficult year for everyone who lives south of the river,” Mayor Ingrid Calloway"
        " told reporters at the reopening. “People have been patient, and the crews have worked through some"
        " miserable nights. I want to thank both.” She confirmed that the temporary ferry timetable will"
        " continue until Friday so that season-ticket holders are not left out of pocket.",
        "Cyclists will have to wait a little longer. The widened cycle lane on the eastern side remains"
        " fenced off while the final coat of anti-skid surfacing cures, and the city expects it to open on"
        " April 2. Until then, riders are being asked to dismount and use the footpath, which has been"
        " widened by half a meter along its whole length.",
        "Traffic counters will be watched closely over the coming weeks. Before the closure, about 31,000"
        " vehicles used the bridge on an average weekday, and the city’s modeling suggests numbers may"
        " briefly exceed that as drivers who had switched to the ring road return. Speed cameras at both"
        " ends are already live, and the 40 km/h limit will be enforced from the first day.",
    ),
    "container-terminal-record-quarter": (
        "Port Alder Container Terminal handled more boxes in the past quarter than in any three-month period"
        " in its 41-year history, even though one of its four ship-to-shore cranes was out of action for"
        " most of February. The operator said on Sunday that 148,300 twenty-foot equivalent units crossed its"
        " quays between December and February, up 9 percent on the same period last year.",
        "Chief executive Colm Reddy credited a new berth-booking system that lets shipping lines reserve"
        " slots up to ten days ahead, cutting the time vessels spend waiting at anchor in the estuary."
        " Average waiting times fell from 19 hours to just under seven, he said, which had persuaded two"
        " feeder services to add Port Alder to their weekly rotations.",
        "The crane outage was caused by a gearbox failure during a storm on February 3. A replacement part"
        " had to be manufactured abroad and arrived three weeks later. Mr. Reddy said the terminal kept"
        " volumes up by running the remaining cranes around the clock and by moving some lighter cargo with"
        " mobile harbor cranes borrowed from the bulk terminal next door.",
        "Unions welcomed the figures but said the extra shifts had taken a toll. “The numbers are good"
        " because our members made them good,” said Dervla Quinn, branch secretary of the dockworkers’"
        " union. She said talks on a new shift pattern would resume in April and that the union expected"
        " the record quarter to be reflected in the next pay offer.",
        "The terminal expects growth to slow in the coming months as two large retailers move some of their"
        " imports to rail. Analysts at Kestrel Capital said the outlook remained strong, noting that the"
        " port’s planned deepening of the approach channel, due to start in the autumn, would allow larger"
        " vessels to call without waiting for high tide.",
    ),
    "night-bus-trial-approved": (
        "City council members voted 23 to 8 on Saturday to approve a six-month trial of night buses linking"
        " the eastern districts of Eastgate and Millbrook with the city center. The service, which will run"
        " every 30 minutes between midnight and 5 a.m. on Fridays and Saturdays, is due to start on May 1"
        " and will cost about 410,000 euros.",
        "The trial follows a petition signed by more than 4,000 residents, many of them hospitality and"
        " hospital workers who finish late and say they have been relying on expensive taxis or long walks"
        " home. Council member Femi Adebayo-Hart, who proposed the motion, said the eastern districts had"
        " been 'cut off after dark' since the last evening route was withdrawn in 2019.",
        "Opponents argued that the money would be better spent on daytime services, which have been hit by"
        " driver shortages. 'We are cancelling buses at eight in the morning because we cannot staff them,'"
        " said council member Patrick Dunmore. 'I do not see how adding a night route helps the people who"
        " are standing at those stops.'",
        "The transport department said the night service would be run by a separate pool of drivers"
        " recruited on weekend-only contracts, so it would not draw staff from existing routes. Passenger"
        " numbers will be reviewed in August, and the council will decide in October whether to make the"
        " service permanent, extend it to Thursdays or scrap it.",
    ),
    "open-data-portal-launches": (
        "Port Alder’s long-promised open-data portal went live on Saturday, publishing real-time feeds of"
        " tide heights, parking occupancy and bus positions alongside more than 200 historical data sets."
        " The city says anyone can use the data free of charge, including commercial app developers, under"
        " an open license that only requires them to credit the source.",
        "The portal has been in development since 2023 and was delayed twice, first by a procurement dispute"
        " and then by a review of how personal data was handled in the planning archive. Chief digital"
        " officer Naomi Castellane said the team had removed names and addresses from about 18,000 planning"
        " documents before publishing them, a job that took longer than anyone expected.",
        "The tide feed, which updates every minute from sensors at the harbor mouth and at Gull Point, is"
        " likely to be the most popular. Until now, the only official tide information came from printed"
        " tables and a harbor office phone line. Local sailing clubs have already asked for an alert service"
        " that would warn members when water levels change faster than predicted.",
        "Developers at a weekend hack event in the old cannery built a handful of prototypes within hours of"
        " launch, including a parking map that estimates how long it will take to find a space and a bus"
        " tracker for people with visual impairments. “We have been asking for this for years,” said Tomasz"
        " Wierzbicki, who organized the event.",
        "Privacy campaigners gave the launch a cautious welcome. The Kestrel Digital Rights Group said it was"
        " pleased that the city had published a data protection impact assessment, but questioned why the"
        " bus position feed included vehicle identifiers that could, in theory, be used to track individual"
        " drivers’ shifts. The city said it would review the feed.",
    ),
    "fog-disrupts-ferries": (
        "Dense fog closed the estuary to passenger ferries for a second morning on Saturday, leaving hundreds"
        " of commuters and weekend visitors stranded on both sides of the Calder. The harbor office suspended"
        " sailings at 5:40 a.m., when visibility at the harbor mouth fell below 200 meters, and said services"
        " would not resume until at least midday.",
        "Replacement buses ran between the Quayside terminal and South Landing, but with the route taking"
        " almost an hour in weekend traffic, queues quickly built up. Several passengers said they had not"
        " been told about the suspension until they arrived at the pier, despite the operator promising text"
        " alerts after a similar disruption in January.",
        "Forecasters said a ridge of high pressure was trapping cold, moist air over the estuary and that the"
        " pattern could last until Monday. Fog of this density is unusual so late in March, according to the"
        " regional weather service, which recorded visibility of just 60 meters at Gull Point at dawn.",
        "Ferry operator Calder Link apologized for the disruption and said it was looking at whether its"
        " newer vessels, which carry modern radar, could be cleared to sail in lower visibility. Any change"
        " would need approval from the harbor master and the maritime safety agency, which a spokesperson"
        " said was unlikely before the summer.",
    ),
    "seal-count-record": (
        "The number of harbor seals living in the Calder estuary has reached its highest level in more than"
        " twenty years, according to an annual survey published on Friday. Volunteers and researchers"
        " counted 412 seals on sandbanks and mudflats during the February census, compared with 287 a decade"
        " ago and a low of 164 in 2004.",
        "The count is carried out over two days at low tide, when the seals haul out to rest. Teams of"
        " observers with telescopes are stationed at eleven points along both shores, and a drone is used to"
        " check the more remote banks near the harbor mouth. Each group is counted twice by different people"
        " to reduce errors.",
        "Dr. Amara Lindqvist, a marine biologist at Port Alder University who coordinates the survey, said"
        " the recovery was most likely linked to cleaner water and the ban on set nets introduced in 2011."
        " Fish stocks in the estuary have also improved, she said, although the university’s recent"
        " microplastics survey showed that pollution remains a concern in some areas.",
        "The survey also recorded 37 grey seal pups, the highest number since monitoring of that species"
        " began. Grey seals breed in winter, and several pups were found on a sandbank close to the main"
        " shipping channel, prompting the harbor office to issue a temporary speed restriction for vessels"
        " passing within 300 meters of it.",
        "Conservation groups have asked dog walkers and paddleboarders to keep their distance from hauled-out"
        " seals, especially on the beaches north of Gull Point. Seals that are disturbed may rush into the"
        " water, and pups can become separated from their mothers. The Calder Estuary Trust recommends"
        " staying at least 100 meters away and using binoculars.",
    ),
    "cannery-artist-studios": (
        "The old Wharf Street cannery, which closed in 1987 and stood empty for most of the following four"
        " decades, reopened on Thursday evening as a creative hub with 40 artists’ studios, a print workshop,"
        " a ceramics kiln and a small gallery. Hundreds of people queued along the quay to look around the"
        " building, where fish were once canned for export.",
        "The redevelopment cost 6.4 million euros and was paid for largely by a regional heritage grant, with"
        " the rest coming from the city and a community share offer that raised 780,000 euros from more than"
        " 1,100 local investors. Studio rents start at 180 euros a month, well below commercial rates, and"
        " tenants were chosen by a panel that included two working artists.",
        "“I used to walk past this place as a boy and wonder what was behind the boarded windows,” said"
        " Jürgen Maas, the ceramicist who runs Café Rivière on the ground floor — and who now has a kiln in"
        " what was once the canning hall. “My grandmother worked here for twenty-two years. She would have"
        " laughed to see it full of painters.”",
        "The architects kept as much of the original structure as they could, including the cast-iron"
        " columns, the sawtooth roof and a row of tiled sinks where workers once gutted fish. New insulation"
        " and heat pumps have made the building usable all year round, something many of the tenants said"
        " was rare among affordable studio spaces.",
        "The first exhibition, a collection of photographs of the cannery in its working years, runs until"
        " the end of April. Entry is free, and the gallery is open from Wednesday to Sunday. The building’s"
        " managers say they also plan to hold open studio weekends four times a year, starting in June.",
    ),
    "partnerstadt-hafenfest": (
        "Die Partnerstadt Kleinwerder wird in diesem Jahr mit einer Delegation von 60 Personen am Hafenfest in"
        " Port Alder teilnehmen. Das teilte Bürgermeisterin Renate Vollmer am Mittwoch mit. Zur Gruppe gehören"
        " neben Mitgliedern des Stadtrats auch ein Blasorchester, eine Tanzgruppe und mehrere"
        " Handwerksbetriebe, die auf dem Festgelände an der Nordkaje ausstellen wollen.",
        "Die Städtepartnerschaft zwischen Port Alder und Kleinwerder besteht seit 1986. Sie entstand aus"
        " Kontakten zwischen den Fischereigenossenschaften beider Häfen und wurde später auf Schulen,"
        " Sportvereine und die Feuerwehren ausgeweitet. Seit der Pandemie waren die Besuche allerdings"
        " deutlich seltener geworden, was in beiden Städten bedauert wurde.",
        "„Wir wollen an die alten Zeiten anknüpfen und vor allem junge Leute zusammenbringen“, sagte Vollmer."
        " Deshalb reisen in diesem Jahr auch zwölf Schülerinnen und Schüler des Kleinwerder Gymnasiums mit,"
        " die eine Woche lang bei Gastfamilien in Port Alder wohnen und gemeinsam mit Jugendlichen aus der"
        " Stadt ein Theaterstück über die Geschichte der Fischerei einstudieren.",
        "Die Kosten für die Reise trägt zum größten Teil die Stadt Kleinwerder, unterstützt von einem"
        " Förderprogramm für Städtepartnerschaften. Port Alder übernimmt die Unterbringung der offiziellen"
        " Gäste und stellt auf dem Hafenfest einen eigenen Stand zur Verfügung. Das Fest findet vom 12. bis"
        " 14. Juni statt und zieht jedes Jahr rund 40.000 Besucher an.",
    ),
    "festival-du-film-selection": (
        "Le festival du film de Port Alder a dévoilé mercredi la sélection de sa douzième édition, qui se"
        " tiendra du 24 au 30 avril. Sur les 46 films retenus, dix-neuf ont été tournés dans la région ou"
        " réalisés par des cinéastes qui y vivent, un record selon la directrice artistique, Camille Arnoux.",
        "« Nous n’avons pas cherché à faire un festival régionaliste, mais les films étaient là, et ils"
        " étaient bons », a-t-elle expliqué lors de la conférence de presse, organisée dans l’ancienne"
        " conserverie de Wharf Street. Plusieurs documentaires s’intéressent au port et à la pêche, tandis"
        " que deux courts métrages d’animation ont été produits par des étudiants de l’université.",
        "Le film d’ouverture, « Marée basse », raconte l’histoire d’une famille de pêcheurs confrontée à la"
        " fermeture de la criée. Son réalisateur, Matthieu Delorme, a grandi dans le quartier d’Eastgate et a"
        " tourné l’essentiel des scènes sur les quais, avec des habitants dans les seconds rôles. Il sera"
        " présenté en avant-première au cinéma Le Phare.",
        "Le prix des billets reste inchangé à 7 euros, et un pass pour toute la semaine est proposé à 45"
        " euros. Pour la première fois, le festival proposera des séances sous-titrées en anglais pour tous"
        " les films en langue étrangère, ainsi que des projections gratuites en plein air sur la place du"
        " Marché si la météo le permet.",
        "Les organisateurs espèrent dépasser les 15 000 entrées enregistrées l’an dernier, malgré la"
        " concurrence d’autres événements culturels au même moment. La billetterie ouvrira le 1er avril sur"
        " le site du festival et aux guichets du cinéma Le Phare, où une exposition d’affiches anciennes sera"
        " également présentée pendant toute la durée de la manifestation.",
    ),
    "library-sunday-hours": (
        "Port Alder’s central library will open on Sundays from April 5, the first time it has done so since"
        " budget cuts in 2012. The building on Castle Street will be open from 11 a.m. to 4 p.m., with the"
        " children’s floor, study rooms and public computers all available. The café and the local history"
        " archive will stay closed on Sundays for now.",
        "The change is being funded by a three-year grant from the Harbor Community Foundation, worth 95,000"
        " euros a year. The library service said it would use the money to hire four part-time staff rather"
        " than ask existing employees to work extra shifts, a condition the staff union had insisted on"
        " during negotiations.",
        "Head librarian Grace Onwuemene said surveys had shown strong demand from families and students,"
        " especially during exam season. “On Sundays, a lot of our regulars have nowhere warm and quiet to"
        " go,” she said. “For some people, the library is the only place where they can use a computer or"
        " print a job application without paying for it.”",
        "If visitor numbers are high enough, the service hopes to extend Sunday opening to the branch"
        " libraries in Eastgate and Millbrook next year. Attendance will be counted at the door, and the"
        " foundation has asked for a report after the first twelve months.",
    ),
    "fish-market-relocation": (
        "Traders at Port Alder's fish market have agreed to move to a new hall on North Quay after nearly"
        " three years of negotiations with the harbor authority. The deal, approved at a meeting of the"
        " traders' association on Monday night, clears the way for the current market building on Fishergate"
        " to be demolished next year.",
        "The new hall will have 34 stalls, four more than the existing market, as well as modern cold"
        " storage, a loading bay for trucks and a public viewing gallery over the auction floor. The harbor"
        " authority will cover the 11 million euro cost and has agreed to freeze stall rents at current"
        " levels for five years after the move.",
        "Many traders had resisted the relocation, arguing that North Quay is too far from the town center"
        " to attract casual shoppers. The final agreement includes a shuttle bus on market days and"
        " signposting from the Quayside, as well as a marketing campaign paid for by the authority. 'It is"
        " not perfect, but it is fair,' said association chair Bernadette Lowry.",
        "The harbor authority plans to use the Fishergate site for a mix of housing and public space."
        " Detailed plans have not been published, but officials have said the historic clock tower on the"
        " corner of the building will be kept. Construction of the new hall is expected to begin in June and"
        " take about fourteen months.",
    ),
    "fishing-fleet-quota-talks": (
        "Most of Port Alder's inshore fishing fleet stayed in harbor on Tuesday as talks over this year's"
        " quotas for cod and whiting stalled for a third week. Skippers said there was little point putting"
        " to sea while catch limits remained uncertain, because any fish landed above a provisional allowance"
        " could later be counted against their boats.",
        "Fisheries ministers from the coastal states failed to agree on a joint position at a meeting on"
        " Monday, with disagreement centered on how quickly cod quotas should be cut in response to"
        " scientific advice. Officials said a further round of talks was scheduled for next week but that an"
        " agreement before the start of April was unlikely.",
        "The Kestrel Fishermen's Association said around 40 boats were affected, most of them under twelve"
        " meters long. Its secretary, Alun Ferris, said smaller vessels had the least room to adapt. 'The big"
        " boats can go further out and fish for other species,' he said. 'Our members cannot. Every day in"
        " port is a day without income.'",
        "The regional government said it was considering a temporary support scheme similar to the one"
        " introduced during the 2021 dispute, which paid skippers a daily allowance for each day a boat"
        " stayed in port. No decision has been taken, and a spokesperson said any scheme would depend on how"
        " long the talks continued.",
        "Fish merchants in Port Alder reported higher prices at Tuesday's auction, where only six boats"
        " landed catches. Restaurants along the Quayside said they had switched some menus to farmed fish"
        " and shellfish until supplies returned to normal, and several warned that prices for diners would"
        " rise if the dispute dragged on into the Easter holidays.",
    ),
    "microplastics-estuary-study": (
        "Researchers at Port Alder University have published the most detailed map yet of microplastic"
        " pollution in the Calder estuary, showing concentrations up to eight times higher near storm drain"
        " outfalls than in open water. The study, which appeared on Monday in a peer-reviewed journal, was"
        " based on 640 sediment and water samples collected over two years.",
        "The team found an average of 1,900 plastic particles per kilogram of dry sediment across the"
        " estuary, but the figure rose above 15,000 near three outfalls in the old industrial area south of"
        " the river. Most of the particles were fibers, which the researchers believe come mainly from"
        " synthetic clothing washed in household machines and carried through the drainage system.",
        "“The good news is that the pollution is very concentrated,” said Dr. Felix Amundsen, who led the"
        " project. “That means targeted measures, such as filters on a handful of drains, could make a real"
        " difference.” The city’s water utility said it would study the findings and had already begun"
        " testing filter designs at one outfall.",
        "Samples taken in the estuary’s salt marshes, which trap fine sediment, showed the highest levels of"
        " the smallest particles. The researchers warned that these marshes, which are important feeding"
        " grounds for birds, could act as long-term stores of plastic even if new pollution were reduced.",
        "The project was funded by a national research council and the Calder Estuary Trust, and involved"
        " more than 80 volunteers who helped collect samples at low tide. The full data set will be published"
        " online later this year so that other researchers can repeat the analysis.",
    ),
    "harborside-housing-objections": (
        "A plan to build 420 homes on the former gasworks site at Harborside has drawn more than 600"
        " objections, making it one of the most contested planning applications in Port Alder for a decade."
        " The consultation closed on Friday, and the city’s planning committee is expected to consider the"
        " scheme in May.",
        "Most objections focus on the height of the proposed buildings, which would rise to fourteen stories"
        " on the waterfront, and on the number of parking spaces, which residents say is far too low. Others"
        " raised concerns about flooding, pointing out that parts of the site were under water during the"
        " storm surge of 2013.",
        "The developer, Northbank Living, says the scheme includes 30 percent affordable housing, a new public"
        " promenade and a small park, and that the taller buildings have been placed to protect views from"
        " the old town. In a statement, the company said it had already reduced the height of one block"
        " after earlier feedback and remained “open to further changes”.",
        "Supporters of the plan, including several local employers, argue that the city urgently needs more"
        " homes for younger workers. Average rents in Port Alder have risen by 22 percent in three years, and"
        " some residents say this year’s rise in council tax has made the squeeze worse for families already"
        " struggling with housing costs.",
        "The planning department said all objections would be summarized in its report to the committee,"
        " which will be published two weeks before the meeting. Residents will be able to speak at the"
        " meeting if they register in advance, and the session will be streamed live on the city’s website.",
    ),
}
