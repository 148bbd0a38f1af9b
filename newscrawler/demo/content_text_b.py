"""Story paragraphs of the demo site, part 2 (older stories). Keyed by article slug.

All names, places and events are fictional.
"""

from __future__ import annotations

BODIES_B: dict[str, tuple[str, ...]] = {
    "flood-1979-retrospective": (
        "In the early hours of November 17, 1979, a storm surge driven by hurricane-force winds pushed the"
        " Calder estuary more than two meters above its normal high-water mark. By dawn, the Quayside, the"
        " lower streets of the old town and much of Millbrook were under water, and more than 3,000 people"
        " had been moved to emergency shelters in schools and churches.",
        "Nobody died in Port Alder that night, something older residents still describe as a small miracle."
        " But the damage was enormous. Around 1,400 homes were flooded, the power station at South Landing"
        " was knocked out for five days, and the southern pier of the Harbor Bridge was undermined so badly"
        " that the crossing stayed closed for almost a year.",
        "Margaret Fell, who was eleven at the time, remembers her father carrying her through waist-deep"
        " water on Tanner's Row. 'The strangest thing was the silence,' she said. 'No cars, no electricity,"
        " just the sound of water moving in the street. We went back a week later and the mud was up to the"
        " windowsills.'",
        "The flood changed the city in ways that are still visible today. The sea wall along the Quayside was"
        " raised by a meter and a half, the first version of the tidal barrier was built across the harbor"
        " mouth in 1986, and planning rules were rewritten to stop new homes being built on the lowest ground"
        " in Millbrook.",
        "It also changed how the city plans for emergencies. Port Alder was one of the first councils in the"
        " region to draw up a formal flood plan, and the warning sirens installed after 1979 are still tested"
        " every spring. Engineers say the barrier, which has been upgraded twice, would now hold back a surge"
        " almost a meter higher than the one that caused the damage.",
        "Not everything was rebuilt. The old swimming baths on Tanner's Row, which had been popular since the"
        " 1920s, never reopened, and several small boatyards along the river closed for good because their"
        " owners could not afford new equipment. Some of the families who moved to higher ground in the"
        " months after the flood never came back to Millbrook.",
        "The local history archive is preparing an exhibition of photographs, newspaper pages and personal"
        " letters from the weeks after the flood. It will open at the central library later this year, and"
        " the archive is still asking residents who lived through that night to share their memories.",
    ),
    "school-meals-expansion": (
        "Every primary school pupil in Port Alder will be offered a free hot lunch from September, after the"
        " city agreed to extend a program that until now covered only children from low-income families."
        " About 9,800 pupils at 31 schools will be eligible, roughly three times the number who receive free"
        " meals today.",
        "The expansion will cost around 4.6 million euros a year. The city will pay for it partly from a"
        " national grant for child nutrition and partly by reorganizing school catering, which is currently"
        " split between four separate contracts. Officials said bringing the contracts together would save"
        " money and make it easier to set common standards for menus.",
        "Head teachers welcomed the decision but warned that some older schools did not have kitchens or"
        " dining halls big enough to serve every pupil. “We already run three lunch sittings,” said Siobhan"
        " Marr, head of St. Brendan’s Primary in Eastgate. “If uptake doubles, we will need more space and"
        " more staff, and we need to know where that is coming from.”",
        "The city has set aside 1.5 million euros for kitchen improvements and says it will survey every"
        " school before the summer holidays. Parents will not need to apply for the free meals, but families"
        " who already receive them are being asked to keep their registration up to date, because it is used"
        " to calculate other funding for schools.",
        "Nutritionists have backed the plan. A study by the regional health board last year found that"
        " children who ate a school lunch were more likely to eat vegetables and less likely to skip meals,"
        " and that the difference was greatest among pupils from poorer households.",
    ),
    "broadband-rollout-target": (
        "A program to bring fast broadband to rural parts of Kestrel County has fallen well short of its"
        " target for last year, connecting 5,200 properties instead of the 8,000 promised. The county’s"
        " infrastructure committee was told on Wednesday that delays in getting permission to dig along farm"
        " tracks and a shortage of trained engineers were the main reasons.",
        "The 42 million euro scheme, funded jointly by the county and national government, aims to give every"
        " home and business in the county access to gigabit speeds by the end of 2028. About 14,000"
        " properties remain without a fast connection, most of them in the hills north of Port Alder and"
        " along the coast road to Saltmarsh.",
        "Contractor Westline Networks said it had hired and trained 40 new engineers since the autumn and"
        " expected to catch up by the end of this year. “We underestimated how long the wayleave process"
        " would take,” said regional director Carys Bowen, referring to the legal agreements needed to lay"
        " cables on private land. “That is now largely behind us.”",
        "Rural business owners said the delays were costing them customers. Nia Thorsby, who runs a holiday"
        " cottage business near Saltmarsh, said guests regularly complained about slow internet. “People"
        " expect to work from anywhere now,” she said. “When they find out they cannot join a video call,"
        " some of them just leave early.”",
        "Committee members asked the contractor to publish monthly progress figures by area, so that"
        " residents can see when work is planned near them. The project will be reviewed again in September,"
        " and the county has not ruled out bringing in a second contractor if this year’s target is also"
        " missed.",
    ),
    "comet-beacon-hill": (
        "Members of the Port Alder Astronomical Society have photographed a comet from their observatory on"
        " Beacon Hill, and say it may become visible to the naked eye from dark places next month. The comet,"
        " a faint smudge of light low in the western sky after sunset, was first recorded by a survey"
        " telescope in January and is now heading towards the inner solar system.",
        "Society member Declan Rusk, a retired physics teacher, captured the first images on Monday night"
        " using a 30-centimeter telescope and a camera cooled to reduce noise. 'It is not spectacular yet,'"
        " he said. 'But it has already brightened more than the predictions suggested, and comets can"
        " surprise you in both directions.'",
        "Astronomers expect the comet to be at its brightest in the third week of April, when it will pass"
        " closest to the Sun. Whether it will be easy to see depends on how much dust and gas it releases as"
        " it warms up, which is notoriously hard to predict.",
        "The society is holding free public viewing evenings at the Beacon Hill observatory on clear Friday"
        " nights throughout April, weather permitting. Visitors are advised to bring warm clothing and to"
        " check the society's notice board on the morning of each session, as events will be called off if"
        " the sky is cloudy.",
    ),
    "chandlery-centenary": (
        "When Albert Crane opened a small shop on Wharf Street in March 1926, selling rope, paint and lamp"
        " oil to the fishing fleet, he could hardly have imagined that his great-granddaughter would still be"
        " behind the same counter a century later. Crane & Daughters, Port Alder’s oldest family-run"
        " business, celebrates its hundredth anniversary this week.",
        "The shop has changed with the harbor. Lamp oil gave way to diesel fittings, and rope made from hemp"
        " was replaced by nylon. Today about half of its customers are leisure sailors, and the business"
        " sells everything from life jackets to brass polish. Online orders, introduced during the pandemic,"
        " now make up a fifth of sales.",
        "“People ask me how we have survived,” said Eleanor Crane, who has run the shop since 2009. “The"
        " honest answer is that we know our customers. If a skipper comes in with a broken part, we can"
        " usually tell him what it is, where it came from and whether we have one in the back. You can’t get"
        " that from a website.”",
        "The anniversary will be marked with an open day on Saturday, when the shop will display photographs"
        " and ledgers from its first decades, including a 1931 order book recording supplies for the lifeboat"
        " station. The harbor master is expected to present the family with a commemorative plaque.",
        "Eleanor Crane’s daughter, Isla, who is studying marine engineering at the university, has said she"
        " hopes to join the business after graduating. “That would make it five generations,” her mother"
        " said. “But I have told her she has to learn to splice rope properly first.”",
    ),
    "lifeboat-crew-honored": (
        "Five volunteer crew members from the Port Alder lifeboat station have received a bravery award for"
        " rescuing two fishermen whose boat capsized off Gull Point during a gale last November. The crew"
        " launched shortly after midnight in winds gusting to 80 kilometers per hour and reached the"
        " upturned hull within twenty minutes.",
        "Coxswain Ruairi Banks said the men were clinging to the keel when the lifeboat arrived and were"
        " suffering from hypothermia. The crew had to maneuver close to rocks to reach them, while waves of"
        " up to five meters broke over the lifeboat’s bow. Both fishermen were taken to Port Alder General"
        " Hospital and made a full recovery.",
        "The award was presented at a ceremony in the lifeboat station on Sunday, attended by families,"
        " fellow volunteers and one of the rescued fishermen. “I would not be here without them,” said"
        " Kieran Doyle, 54, who has since returned to fishing. “They came out on a night when nobody should"
        " have been at sea.”",
        "The station is run almost entirely by volunteers, who carry pagers and can be called out at any"
        " hour. It launched 61 times last year, a record. Station manager Petra Lund said the charity was"
        " looking for new recruits, particularly people who live or work within five minutes of the harbor.",
    ),
    "flood-barrier-test": (
        "The tidal barrier across the mouth of Port Alder harbor will be closed on Sunday morning for its"
        " annual full test, the harbor authority has announced. The gates will begin to close at 7 a.m. and"
        " will stay shut for about three hours, during which no vessels will be able to enter or leave the"
        " harbor.",
        "The test checks the barrier's hydraulic systems, its backup generators and the procedures used by"
        " staff during a real emergency. Engineers will also inspect the seals on the two main gates, which"
        " were replaced last summer. The harbor authority said the exercise had been timed to coincide with"
        " a low tide so that disruption was kept to a minimum.",
        "Residents of Millbrook and the old town will hear the flood warning sirens sound at 6:45 a.m. as"
        " part of the test. No action is needed, but the city asks people to make sure elderly or vulnerable"
        " neighbors know that the sirens are only a test. A second, shorter siren will sound when the barrier"
        " reopens.",
        "The barrier was built after the flood of 1979 and has been closed for real 38 times, most recently"
        " during a storm surge in December. Members of the public can watch the test from the viewing"
        " platform at the end of Barrier Road, which will open at 6:30 a.m.",
    ),
    "electric-water-taxis": (
        "A Port Alder startup has begun trials of electric water taxis on the estuary, with the aim of"
        " running a regular service between the Quayside, the university and South Landing by the summer."
        " Tidewater Mobility launched its first two boats on Saturday, each carrying up to twelve passengers"
        " and able to cross the harbor in under six minutes.",
        "The boats are powered by battery packs that can be charged in about 40 minutes at floating"
        " pontoons, and the company says a full charge gives about four hours of operation. Unlike the diesel"
        " ferries that currently serve the estuary, the taxis will be booked through an app and will run on"
        " demand rather than to a fixed timetable.",
        "Founder Lina Sørensen said the idea came to her while she was stuck in traffic during the Harbor"
        " Bridge closure. “Everyone was looking at the water and thinking there must be a better way"
        " across,” she said. The company has raised 2.3 million euros from investors, including a regional"
        " innovation fund, and employs 14 people.",
        "The trials will run for three months, with free rides for members of the public who sign up in"
        " advance. The harbor authority has approved the boats for daytime use only, and any move to evening"
        " or winter services would require further safety checks.",
        "Calder Link, which operates the existing ferries, said it welcomed competition but questioned"
        " whether an on-demand service could carry enough passengers at rush hour. Its chief executive said"
        " the company was itself planning to convert two of its vessels to hybrid propulsion next year.",
    ),
    "market-square-cobbles": (
        "The cobbles in Port Alder's Market Square are to be lifted, cleaned and relaid over the summer in a"
        " restoration project expected to cost 1.9 million euros. The work, approved by the city's heritage"
        " committee on Thursday, will also include new drainage to stop the square flooding during heavy"
        " rain.",
        "Many of the granite setts date from the 1850s, but decades of patch repairs with asphalt and"
        " concrete have left the surface uneven and, according to the city, dangerous for wheelchair users"
        " and people with strollers. Around 60 percent of the original stone is expected to be reused, with"
        " the rest replaced by granite from the same quarry.",
        "The weekly market will move to Castle Street while the work is carried out, from the end of May"
        " until early September. Stallholders have been promised that the temporary site will have"
        " electricity and water supplies, and that parking restrictions will be relaxed for their vans on"
        " market days.",
        "Some residents had campaigned for the square to be paved with smooth slabs instead. The heritage"
        " committee rejected that option, saying the cobbles were a key part of the character of the old"
        " town, but agreed that a smoother path would be laid across the square between the town hall and"
        " the church.",
    ),
    "tidal-energy-pilot": (
        "A tidal turbine anchored to the seabed at the mouth of the Calder estuary has delivered its first"
        " electricity to the grid, marking a milestone for a pilot project that has been in planning for"
        " almost a decade. The 500-kilowatt turbine, installed in February, generated power for the first"
        " time on Wednesday morning as the tide began to ebb.",
        "The project is run by a consortium including Port Alder University, a regional energy cooperative"
        " and an engineering firm that specializes in offshore structures. It will test how well the turbine"
        " copes with the estuary’s strong currents, floating debris and the heavy sediment load carried by"
        " the river after rain.",
        "Unlike wind and solar power, tidal energy is highly predictable, because the timing and strength of"
        " tides can be calculated years in advance. “That is its big selling point,” said Professor Idris"
        " Okonjo, who leads the university’s part of the project. “The challenge has always been cost. We"
        " need to show that these machines can survive in the sea for twenty years without expensive"
        " repairs.”",
        "The turbine will be monitored for at least two years. Environmental researchers will use underwater"
        " cameras and acoustic sensors to study whether fish and seals avoid the blades, a key question for"
        " any larger tidal farm. So far, the team says, no collisions have been recorded.",
        "If the pilot succeeds, the consortium hopes to apply for permission to install up to twenty"
        " turbines, enough to supply around 12,000 homes. Any such plan would require a full environmental"
        " assessment and consultation with the fishing industry, which has raised concerns about access to"
        " fishing grounds near the harbor mouth.",
    ),
    "harbor-master-retires": (
        "Gordon Teague, who has been harbor master of Port Alder for 31 years, will retire at the end of the"
        " month, the harbor authority announced on Wednesday. Mr. Teague, 66, joined the port as a deckhand"
        " on a pilot boat in 1978 and is only the ninth person to hold the post since it was created in"
        " 1874.",
        "During his time in charge, the port has changed almost beyond recognition. The container terminal"
        " doubled in size, the fishing fleet shrank by more than half, and the old passenger quays were"
        " turned into a marina. Mr. Teague also oversaw the harbor’s response to several major storms,"
        " including the surge of December 1999, when the tidal barrier was closed for a record 30 hours.",
        "Colleagues describe him as calm under pressure and fiercely protective of the port’s safety record."
        " “Gordon has a rule that nobody goes home until every boat is accounted for,” said deputy harbor"
        " master Anneli Roos, who will take over on an interim basis. “He has followed it for three decades,"
        " and so will we.”",
        "Mr. Teague said he planned to spend his retirement restoring a wooden sailing boat that has been"
        " sitting in his garage for twelve years. “My wife has been very patient,” he said. “I think she is"
        " hoping I will finally take it out of the garage and put it in the water.”",
    ),
    "council-tax-rise": (
        "Council tax in Port Alder will rise by 3.9 percent from April after the city council approved its"
        " budget for the coming year on Tuesday night. The increase will add about 68 euros a year to the"
        " bill for a typical band D home, and follows a 4.5 percent rise last year.",
        "Finance chief Rowan Achterberg told the meeting that the city faced a gap of 14 million euros,"
        " caused mainly by rising costs in adult social care and children's services. Without the rise, he"
        " said, the council would have had to make deeper cuts to libraries, parks and road maintenance than"
        " the ones already planned.",
        "The budget includes savings of 6.2 million euros, among them the closure of two public toilets, a"
        " reduction in street cleaning in residential areas and the merging of several back-office teams."
        " About 45 jobs will go, most of them through vacancies that will not be filled rather than"
        " redundancies.",
        "Opposition members said the council had not done enough to cut its own costs before asking"
        " residents to pay more. An amendment that would have reduced the increase to 2.9 percent by delaying"
        " a planned upgrade of the council's computer systems was defeated by 27 votes to 14.",
    ),
    "newsroom-preview": (
        "This is an early preview for Herald members. Later this spring, The Harbor Herald will move out of"
        " the building on Castle Street that has been its home since 1962 and into a converted warehouse on"
        " the Quayside. The new newsroom will have space for a public events room, a small studio for video"
        " and podcasts, and a reading room where visitors can browse our archive.",
        "The move has been planned for more than two years. Our old building, designed for a printing press"
        " and a hundred staff, has become too big and too expensive to heat. The warehouse, which once stored"
        " grain for the mills along the river, has been fitted with solar panels and heat pumps, and will cut"
        " our energy use by more than half.",
        "Members will be invited to an open evening before the official opening, with tours of the newsroom"
        " and a chance to meet reporters and editors. We will also be asking members to help choose the name"
        " of the events room. Details will be sent by email in the coming weeks, and we hope many of you will"
        " be able to join us.",
        "We want the new building to be a place where readers can hold us to account as well as read our"
        " work. That is why the events program will include regular open meetings with the editor, as well"
        " as workshops on how we report on courts, councils and elections.",
    ),
}
