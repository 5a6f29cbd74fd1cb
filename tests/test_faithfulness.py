"""Every finding of the faithfulness review (../shared/reviews/faithfulness-review.md, 35
findings) as the reply a user sees: how it opens, the paragraphs it cites, a sentence it must
or must not contain. Actions run with trackers built in code, whose messages carry the
situations the classifier (addons/situations.py, trained in-process) finds in the question."""

import asyncio
from dataclasses import dataclass, field

import pytest

from actions.clarify import handover
from actions.knowledge import knowledge_base
from actions.policy_answer import ActionAnswerPolicy
from scripts.evaluate import cited_paragraphs
from tests.actions_helpers import entity, run_action, situations_in, texts, tracker_for


@pytest.fixture(autouse=True)
def no_contacts(tmp_path, monkeypatch):
    """HR has configured no contact details, as today."""
    monkeypatch.setenv("SMP_CONTACTS_FILE", str(tmp_path / "none.yml"))


@dataclass(frozen=True)
class Case:
    finding: int
    question: str
    intent: str
    opening: str | None = None
    not_opening: str | None = None
    cites: tuple[int, ...] = ()
    not_cites: tuple[int, ...] = ()
    present: tuple[str, ...] = ()
    absent: tuple[str, ...] = ()
    entities: list = field(default_factory=list)

    def __str__(self) -> str:
        return f"#{self.finding} {self.question}"


PUPIL = [entity("person", "pupils")]

CASES = [
    Case(
        1,
        "Can I share my personal views if I say they are not endorsed by the City?",
        "ask_personal_views",
        opening="Only",
        present=("freedom of expression",),
    ),
    Case(
        1,
        "Can I share the City's official position on my own account?",
        "ask_personal_views",
        not_opening="No",
    ),
    Case(1, "Can I retweet a campaign the City endorsed?", "ask_personal_views", not_opening="No"),
    Case(1, "can i say the corporation supports my campaign", "ask_personal_views", opening="No."),
    Case(
        2,
        "Can I use the company logo as my profile picture?",
        "ask_crest_logo_personal",
        opening="No.",
        cites=(23,),
    ),
    Case(
        2, "Can I add the crest to my experience section?", "ask_crest_logo_personal", opening="No."
    ),
    Case(
        2,
        "Can I put the Barbican logo on my banner so it appears on my personal page?",
        "ask_crest_logo_personal",
        opening="No.",
    ),
    Case(
        3,
        "Is my internet use at work monitored all the time?",
        "ask_monitoring",
        opening="Yes.",
        cites=(35,),
        present=("monitored corporately",),
    ),
    Case(
        3,
        "Does the City regularly monitor what I browse on work computers?",
        "ask_monitoring",
        opening="Yes.",
        cites=(35,),
    ),
    Case(
        3,
        "will HR routinely check my personal twitter",
        "ask_monitoring",
        opening="No, your personal social media profiles will not be routinely monitored",
        cites=(32, 35),
        present=("monitored corporately",),
    ),
    Case(
        4,
        "Can I use social media during work time?",
        "ask_personal_use_at_work",
        opening="No, not for personal use",
        cites=(11, 20),
        present=("encouraged to explore social media for work purposes",),
    ),
    Case(
        4,
        "can i use twitter at work",
        "ask_personal_use_at_work",
        opening="Only",
        cites=(11, 20),
        present=("for personal use", "encouraged to explore social media for work purposes"),
    ),
    Case(
        4,
        "Can I check Facebook during work hours for work research?",
        "ask_personal_use_at_work",
        opening="Yes, for work purposes",
        cites=(11,),
    ),
    Case(
        6,
        "Can I post the committee papers that were published on the website including "
        "residents' names?",
        "ask_confidential_information",
        opening="No.",
        present=("personal information",),
    ),
    Case(
        6,
        "the committee minutes were published on the city website, can i share a link",
        "ask_confidential_information",
        opening="Only if it gives away no confidential",
        cites=(31,),
        absent=("Yes",),
    ),
    Case(
        7,
        "Can I check the social media of a finance assistant candidate?",
        "ask_recruitment_screening",
        opening="No, not unless there is a justifiable reason",
        present=("expressly provided",),
    ),
    Case(
        7,
        "Can I check the social media of a teaching assistant candidate?",
        "ask_recruitment_screening",
        opening="Only if there is a justifiable reason",
    ),
    Case(
        8,
        "Can I check a marketing assistant's Instagram even if social media isn't part "
        "of the job?",
        "ask_recruitment_screening",
        opening="Only if",
    ),
    Case(
        8,
        "Can I check candidates' instagram for our marketing officer post?",
        "ask_recruitment_screening",
        opening="Only if",
        present=("fundamental to the role",),
    ),
    Case(
        9,
        "Can I take into account offensive posts a candidate sent us?",
        "ask_recruitment_equality",
        not_opening="No",
    ),
    Case(
        9,
        "can i reject an applicant because of his religion",
        "ask_recruitment_equality",
        opening="No.",
        cites=(38,),
    ),
    Case(
        10,
        "Can we post a funny meme on the library's account?",
        "ask_professional_account_conduct",
        opening="Only after reviewing it",
    ),
    Case(
        10,
        "Can we make a joke on our department account?",
        "ask_professional_account_conduct",
        not_opening="No",
    ),
    Case(
        10,
        "How should we respond to trolls on the team account?",
        "ask_professional_account_conduct",
        not_opening="No",
    ),
    Case(
        10,
        "is it ok to reply sarcastically from our service's official account",
        "ask_professional_account_conduct",
        opening="No.",
    ),
    Case(
        11,
        "who do i tell about a safeguarding concern",
        "report_safeguarding_concern",
        present=("Employees who work with pupils or other vulnerable people",),
        absent=("staff must never",),
    ),
    Case(
        12,
        "Can I post a photo with people in it?",
        "ask_photo_permission",
        opening="Only",
        cites=(16, 17),
        present=("parents or guardians, or teachers", "copyright permission"),
    ),
    Case(
        13,
        "Can I post a photo of the Guildhall with no people in it that I found online?",
        "ask_photo_permission",
        opening="Yes, if you took it yourself",
        cites=(16, 17),
        present=("copyright permission", "credit"),
    ),
    Case(
        14,
        "Can I use a photo my colleague has agreed to let me use, with pupils in it?",
        "ask_copyright",
        cites=(16, 17),
        present=("parents or guardians, or teachers",),
        entities=PUPIL,
    ),
    Case(
        15,
        "Can I keep posting on my personal account during the emergency?",
        "ask_crisis",
        opening="Yes: the crisis rule is about corporate social media",
        cites=(18, 21),
    ),
    Case(
        15,
        "can we keep posting our own updates on the team feed during the emergency",
        "ask_crisis",
        opening="No.",
    ),
    Case(
        16,
        "I've been authorised by my agency to post on the City's official account",
        "ask_official_account_posting",
        opening="Only if you are an authorised officer",
    ),
    Case(
        16,
        "I'm an authorised officer, can I post during the crisis?",
        "ask_official_account_posting",
        opening="No, not during a crisis",
        cites=(18,),
    ),
    Case(
        16,
        "the comms team has made me an authorised officer, so i'm fine to post now?",
        "ask_official_account_posting",
        opening="Yes, if you are an authorised officer",
        present=("crisis",),
    ),
    Case(
        17,
        "Does the policy apply to anonymous accounts?",
        "ask_anonymous_account",
        cites=(8, 21, 25),
    ),
    Case(
        18,
        "Can I add photos of pupils from sports day to the school account?",
        "ask_photo_permission",
        cites=(17,),
        not_cites=(33,),
        absent=("Designated Safeguarding Lead",),
        entities=PUPIL,
    ),
    Case(
        18,
        "a year 8 girl keeps sending me messages at night",
        "ask_photo_permission",
        cites=(33,),
        present=("Designated Safeguarding Lead",),
        entities=PUPIL,
    ),
    Case(
        19,
        "What happens if I break the policy?",
        "ask_disciplinary_consequences",
        cites=(34,),
        present=("may be withdrawn in the case of misuse",),
    ),
    Case(
        20,
        "Does the policy apply outside work hours?",
        "ask_policy_when_applies",
        opening="Yes.",
        cites=(8, 21),
        present=("off-duty hours are your personal concern",),
    ),
    Case(
        21,
        "Can I share my personal views on social media?",
        "ask_personal_views",
        opening="Only",
        cites=(4, 10),
        present=("right to freedom of expression",),
    ),
    Case(
        23,
        "Who do I ask about the social media policy?",
        "ask_policy_owner",
        opening="The Director of Human Resources",
        cites=(5,),
        absent=("this assistant",),
    ),
    Case(
        24,
        "im hiring a social media officer where running our channels is the whole job, "
        "can i look at candidates' twitter",
        "ask_recruitment_screening",
        opening="Yes,",
        absent=("Look only at what that requirement justifies",),
    ),
    Case(
        25,
        "I'm worried about how a colleague talks to a pupil online",
        "report_safeguarding_concern",
        entities=PUPIL,
        present=("If you have any concerns around an individual's behaviour, you can contact",),
        absent=("Raise it", "towards a pupil or vulnerable person", "Contact the"),
    ),
    Case(
        26,
        "Mum said I can post a photo of my nephew's class trip",
        "ask_photo_permission",
        opening="Yes, if that is specific permission from the parents or guardians, or "
        "teachers, of the children shown",
    ),
    Case(
        27,
        "My manager has approved it, can I set up a team Instagram?",
        "ask_create_work_account",
        opening="Only with permission",
        present=("departmental Chief Officer and the Digital Communications Manager",),
    ),
    Case(
        27,
        "both my chief officer and the digital comms manager have approved our tiktok, "
        "can i set it up now",
        "ask_create_work_account",
        opening="Yes",
    ),
    Case(
        28,
        "What happens if I break the policy?",
        "ask_disciplinary_consequences",
        cites=(26, 29, 30),
        absent=("expected not to undermine",),
    ),
    Case(
        29,
        "Can I share confidential work information?",
        "ask_confidential_information",
        opening="No.",
        present=(
            "giving away confidential information such as personal",
            "section 14 of the Employee Data Protection Policy",
        ),
    ),
    Case(
        30,
        "What counts as inappropriate use?",
        "ask_inappropriate_conduct_examples",
        cites=(31,),
        present=(
            "section 14 of the Employee Data Protection Policy",
            "offensive or derogatory comments about protected",
        ),
    ),
    Case(
        31,
        "Can I post offensive comments about a colleague?",
        "ask_bullying_harassment",
        opening="No.",
        present=(
            "may lead to action under the disciplinary procedure up to " "and including dismissal",
        ),
    ),
    Case(
        33,
        "Do schools or the Barbican have their own policy?",
        "ask_local_policies",
        cites=(7,),
        present=("extension",),
        absent=("Follow both",),
    ),
    Case(
        34,
        "linkedin automatically shows the city logo as my employer, is that ok",
        "ask_crest_logo_personal",
        opening="Yes.",
        cites=(23,),
        absent=("when you name your employer",),
    ),
    Case(
        35,
        "Can I share a contractor's post about the new bridge on my personal LinkedIn?",
        "ask_contractor_requests",
        not_opening="No",
        cites=(10, 19),
        present=("City Procurement",),
    ),
    Case(
        35,
        "can i just write a quick reference for our IT contractor myself",
        "ask_contractor_requests",
        opening="No, not directly: refer it to City Procurement",
    ),
]


def reply_to(case: Case) -> str:
    entities = [*case.entities, *situations_in(case.question)]
    tracker = tracker_for(case.question, case.intent, entities=entities)
    messages, _ = asyncio.run(run_action(ActionAnswerPolicy(), tracker))
    return texts(messages)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_the_reply_is_faithful_to_the_policy(case):
    reply = reply_to(case)
    if case.opening:
        assert reply.startswith(case.opening), reply
    if case.not_opening:
        assert not reply.startswith(case.not_opening), reply
    cited = cited_paragraphs(reply)
    assert set(case.cites) <= cited, reply
    assert not set(case.not_cites) & cited, reply
    for sentence in case.present:
        assert sentence in reply, sentence
    for sentence in case.absent:
        assert sentence not in reply, sentence


def test_5_no_safeguarding_route_through_the_line_manager():
    reply = reply_to(
        Case(5, "i'm worried about a pupil", "report_safeguarding_concern", entities=PUPIL)
    )
    assert "line manager" not in reply
    assert "Designated Safeguarding Lead (DSL)" in reply and "(LADO)" in reply


def test_22_the_handover_names_no_line_manager():
    reply = "\n".join(handover(knowledge_base()))
    assert "line manager" not in reply
    assert "Director of Human Resources" in reply and "Paragraph 5" in reply


def test_32_the_recruitment_screening_why_says_no_separate_reason_is_given():
    topic = knowledge_base().topic("recruitment_screening")
    assert topic.why.startswith("The policy gives no separate reason")
    assert 37 in topic.why_paras


def test_31_the_bullying_why_rests_on_the_guiding_principles():
    topic = knowledge_base().topic("bullying_harassment")
    assert topic.why_paras == (10,)
    assert "Code of Conduct" in topic.why


def test_28_the_trust_and_confidence_reason_keeps_the_policys_qualifiers():
    why = knowledge_base().topic("disciplinary_consequences").why
    assert "in the reasonably held belief of the City Corporation" in why
    assert "fundamentally undermine the required relationship of trust and confidence" in why
