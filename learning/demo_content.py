"""The teaching text of the demo "Improvement fundamentals" modules, written for Boost."""

from __future__ import annotations


def _check(question: str, *options: tuple[str, bool, str]) -> tuple[str, dict]:
    return (
        "knowledge_check",
        {
            "question": question,
            "options": [
                {"text": text, "correct": correct, "feedback": feedback} for text, correct, feedback in options
            ],
        },
    )


def _text(html: str) -> tuple[str, str]:
    return ("text", html)


def _reflect(prompt: str, hint: str = "") -> tuple[str, dict]:
    return ("reflection", {"prompt": prompt, "hint": hint})


def _resource(title: str, url: str, description: str) -> tuple[str, dict]:
    return ("resource", {"title": title, "document": None, "url": url, "description": description})


MODEL_FOR_IMPROVEMENT = {
    "slug": "model-for-improvement",
    "title": "The Model for Improvement",
    "summary": "Three questions that keep an improvement project honest, and the small tests of change that "
    "answer them.",
    "duration_minutes": 25,
    "body": [
        _text(
            "<h2>Why a model at all?</h2>"
            "<p>Most changes in health and care are made with good intentions and never checked. A ward brings in "
            "a new handover sheet, a practice adds a reminder call, a service changes its referral form; a year "
            "later nobody can say whether things got better. The Model for Improvement, developed by Associates in "
            "Process Improvement and used across the NHS, is a simple discipline for avoiding that. It has two "
            "parts: three questions, and a cycle for testing changes (Plan, Do, Study, Act).</p>"
            "<h2>Question 1: what are we trying to accomplish?</h2>"
            "<p>This is your <strong>aim</strong>. A useful aim says <em>how much, by when, for whom</em>. "
            "“Improve discharge” is a wish. “Reduce the number of people on ward 7 who wait more than 24 hours "
            "for their medicines to take home from 40% to 10% by the end of March” is an aim: a team can tell "
            "whether it is getting there.</p>"
            "<p>Write the aim with the people affected. A patient partner will often point out that the thing "
            "the service counts is not the thing that matters to them.</p>"
            "<h2>Question 2: how will we know that a change is an improvement?</h2>"
            "<p>You need <strong>measures</strong>, collected over time rather than once before and once after. "
            "Use three kinds together:</p><ul>"
            "<li><strong>Outcome measures</strong>: what the aim is about (people waiting over 24 hours).</li>"
            "<li><strong>Process measures</strong>: whether the changes are actually happening (prescriptions "
            "written the day before discharge).</li>"
            "<li><strong>Balancing measures</strong>: what might get worse because of what you changed "
            "(pharmacy overtime, errors on take-home prescriptions).</li></ul>"
            "<h2>Question 3: what change can we make that will result in improvement?</h2>"
            "<p>Ideas come from the people doing the work, from patients and carers, from evidence, and from teams "
            "elsewhere who already solved a similar problem. That last source is why Boost exists: a bright spot "
            "in another trust is a change idea you can adapt, not copy.</p>"
        ),
        _check(
            "Which of these is a well-formed improvement aim?",
            (
                "Improve the discharge process on ward 7.",
                False,
                "This names a place but not how much, by when or for whom, so nobody can tell when it is achieved.",
            ),
            (
                "Reduce waits over 24 hours for take-home medicines on ward 7 from 40% to 10% by 31 March.",
                True,
                "Yes: it says what will change, by how much, by when and for whom.",
            ),
            (
                "Introduce an electronic prescribing module on ward 7.",
                False,
                "That is a change idea (an answer to question 3), not an aim. It may or may not improve anything.",
            ),
        ),
        _text(
            "<h2>Testing changes: the PDSA cycle</h2>"
            "<p>The three questions are answered by testing changes on a small scale, learning, and testing again. "
            "Each test is a Plan–Do–Study–Act cycle; the next module looks at it closely. The key idea for now: "
            "start small (one patient, one clinic, one morning), predict what will happen, and let what you learn "
            "decide the next test.</p>"
        ),
        _check(
            "A team's new triage checklist speeds up assessments. Which measure would be a balancing measure?",
            (
                "Average time from arrival to assessment.",
                False,
                "That is the outcome the checklist aims to improve, not a balancing measure.",
            ),
            (
                "Percentage of assessments where the checklist was used.",
                False,
                "That is a process measure: it tells you whether the change is happening.",
            ),
            (
                "Number of patients re-triaged within four hours because something was missed.",
                True,
                "Right: a faster process could miss things, and this measure would show it.",
            ),
        ),
        _reflect(
            "Think of a problem in your own work. Write an aim for it that says how much, by when and for whom.",
            "Draft it roughly: you can come back and change it.",
        ),
        _resource(
            "How to improve (Institute for Healthcare Improvement)",
            "https://www.ihi.org/resources/how-to-improve",
            "The original description of the Model for Improvement, with worked examples.",
        ),
    ],
}


PDSA = {
    "slug": "pdsa-cycles",
    "title": "Plan, Do, Study, Act",
    "summary": "How to run a small, honest test of change and what to do with what it teaches you.",
    "duration_minutes": 30,
    "body": [
        _text(
            "<h2>Four steps, one question</h2>"
            "<p>A PDSA cycle is a structured experiment. Each cycle asks one question about one change.</p><ol>"
            "<li><strong>Plan</strong>: state the question and your <em>prediction</em>. Decide who will do what, "
            "where and when, and what data you will collect to check the prediction.</li>"
            "<li><strong>Do</strong>: carry out the test. Write down what happened, especially what did not go "
            "to plan.</li>"
            "<li><strong>Study</strong>: compare the data with your prediction. What surprised you?</li>"
            "<li><strong>Act</strong>: decide to <em>adapt</em> the change and test again, <em>adopt</em> it and "
            "test it at a larger scale, or <em>abandon</em> it.</li></ol>"
            "<p>The prediction is the step most often skipped, and the one that turns activity into learning. "
            "Without it, every result looks like a success.</p>"
        ),
        _check(
            "Why does the Plan step include a prediction?",
            (
                "So the team can show managers that the change will work.",
                False,
                "A prediction is not a promise. Its value is that the result can prove it wrong.",
            ),
            (
                "So that Study can compare what happened with what the team expected, and learn from the gap.",
                True,
                "Yes. Learning comes from the difference between prediction and result.",
            ),
            (
                "Because the Model for Improvement requires a target for every cycle.",
                False,
                "Targets belong to aims; a prediction is specific to one small test.",
            ),
        ),
        _text(
            "<h2>Start smaller than feels sensible</h2>"
            "<p>A first test should be small enough to run this week: one patient, one clinician, one session. "
            "Small tests are cheap to fail, quick to learn from, and do not need permission from everyone. "
            "As confidence grows, tests get bigger and run under more conditions (nights, weekends, other "
            "teams): a <strong>ramp</strong> of linked cycles.</p>"
            "<p>Example from a skin cancer pathway: the team tested a “zero-day” tracking list with one "
            "consultant's patients for one week, predicting that every patient would have a next step booked "
            "within a day. Three did not, because histology results went to a shared inbox. Cycle two routed "
            "results to the tracker. Over 18 months, with many cycles, patients waiting over 62 days fell from "
            "1,200 to 100.</p>"
        ),
        _check(
            "A first test of a new discharge checklist went badly: staff found it too long. What should the team do?",
            (
                "Abandon the idea: the test showed it does not work.",
                False,
                "One small test rarely justifies abandoning an idea; it tells you what to change.",
            ),
            (
                "Roll it out to every ward so there is more data.",
                False,
                "Scaling up a change that failed its first test spreads the problem.",
            ),
            (
                "Adapt it (shorten it with the staff who used it) and run another small test.",
                True,
                "Right: adapt and test again. This is what the Act step is for.",
            ),
        ),
        _reflect(
            "Plan a PDSA cycle you could run in the next two weeks. What is your question, and what do you predict?",
        ),
    ],
}


SPC = {
    "slug": "reading-an-spc-chart",
    "title": "Reading an SPC chart",
    "summary": "Tell a real change from everyday ups and downs, using the XmR charts Boost draws for every measure.",
    "duration_minutes": 35,
    "body": [
        _text(
            "<h2>Every process varies</h2>"
            "<p>The number of people waiting, the time to assessment, the falls on a ward: all go up and down from "
            "week to week without anything changing. Statistical process control (SPC) charts separate that "
            "everyday <strong>common-cause variation</strong> from <strong>special-cause variation</strong>, a "
            "signal that something has changed.</p>"
            "<p>Reacting to every rise and fall wastes effort and can make things worse. Comparing two numbers "
            "(“last month 42, this month 37”) cannot tell you which kind of change you are looking at. A chart of "
            "20 or more points can.</p>"
            "<h2>What is on the chart</h2><ul>"
            "<li>The <strong>points</strong>: your measure over time, in order.</li>"
            "<li>The <strong>centre line</strong>: the mean of the points.</li>"
            "<li>The <strong>process limits</strong>: the mean plus and minus 2.66 times the average moving range "
            "(the average difference between one point and the next). Nearly all common-cause variation falls "
            "between them. They are calculated from the data, not chosen, and are not targets.</li></ul>"
        ),
        _check(
            "Where do the upper and lower process limits on an XmR chart come from?",
            (
                "They are the targets the team has agreed with its commissioners.",
                False,
                "Targets are set by people; limits come from the data. A target can sit outside the limits.",
            ),
            (
                "The mean plus and minus 2.66 times the average moving range of the data.",
                True,
                "Yes: they describe how much the process varies by itself.",
            ),
            (
                "The highest and lowest values seen so far.",
                False,
                "The range of the data is not the limits: one unusual point would stretch them.",
            ),
        ),
        _text(
            "<h2>The signals</h2>"
            "<p>Boost follows the NHS “Making Data Count” rules. Any of these is a special-cause signal:</p><ol>"
            "<li>a single point <strong>outside a process limit</strong>;</li>"
            "<li>a <strong>shift</strong>: seven or more points in a row all above, or all below, the centre "
            "line;</li>"
            "<li>a <strong>trend</strong>: seven or more points in a row each higher (or each lower) than the one "
            "before;</li>"
            "<li><strong>two out of three</strong> points in a row close to a limit (beyond two-thirds of the way "
            "from the mean to it), on the same side.</li></ol>"
            "<p>Whether a signal is good news depends on which direction is better for the measure: a shift "
            "below the mean is an improvement for waiting times and a concern for the proportion of people seen "
            "on time. Boost colours signals as improvement or concern from that setting.</p>"
            "<h2>After a change</h2>"
            "<p>When a shift shows that a change has worked and held, recalculate the limits from the date of the "
            "change. The new limits describe the new process, and future signals are judged against it.</p>"
        ),
        _check(
            "Waiting times have been above the centre line for five weeks in a row since a new rota began. What "
            "does the chart tell you so far?",
            (
                "There is a shift: the rota has made waits worse.",
                False,
                "A shift needs seven or more points on one side. Five is worth watching, not yet a signal.",
            ),
            (
                "Not yet a signal: keep plotting, and look for a seventh point or a point outside a limit.",
                True,
                "Right. Five points could still be common-cause variation.",
            ),
            (
                "Nothing: only a point outside the limits counts as a signal.",
                False,
                "Shifts, trends and two-of-three points near a limit are signals too.",
            ),
        ),
        _reflect(
            "Think of a number your team reports as month-on-month change. What would an SPC chart of it "
            "add to the conversation?",
        ),
        _resource(
            "Making Data Count (NHS England)",
            "https://www.england.nhs.uk/publication/making-data-count/",
            "The NHS guide to SPC charts and the icons Boost shows beside them.",
        ),
    ],
}


MODULES = [MODEL_FOR_IMPROVEMENT, PDSA, SPC]
