"""The words of the validation demo: screeners' notes, panel rationales, questions, answers.

Written for the feedback demo's practice examples (feedback/demo_practice.py), by the local
authority of each. The people are the demo's; the figures in the answers are invented, like
those in the examples.
"""

# Copy-editing shortens a title or two for the theme's pages (fifteen words at most).
PUBLIC_TITLES = {
    "Devon": "The Graded Care Profile: assessing neglect across universal and specialist "
             "services",
}

SCREENER_NOTES = {
    "Walsall": "Complete, but short: the evidence is attendance and teachers' comments. No "
               "referral figures were given; the panel may want to ask for them.",
    "Torbay": "The submitter answered our questions and added school attendance figures to "
              "the evidence section (see the thread). No identifying information.",
}

SCORE_NOTES = {
    "calderdale-osei": "A clear model and an independent evaluation with a comparison group. "
                       "Fewer children in non-kinship care (21% against 43%) and parents staying "
                       "in treatment longer. The historical comparison is acknowledged honestly.",
    "calderdale-mcguire": "Strong, well-described practice. I give evidence a 2 only because "
                          "the comparison group predates other local changes; the direction "
                          "and size of the effect are still convincing.",
    "devon-kearney": "The Graded Care Profile is well known; what is valuable here is the "
                     "multi-agency roll-out and the agreement figures. Outcome evidence is "
                     "mostly about practice rather than children.",
    "devon-osei": "The review shows earlier, better-evidenced referrals for neglect and a "
                  "shared language across health, schools and social care. Transfer needs "
                  "training capacity, which the submission costs honestly.",
    "walsall-mcguire": "A sensible idea, but the submission gives us attendance and goodwill, "
                       "not outcomes: nothing on the number or quality of referrals.",
    "walsall-kearney": "Easy to replicate, but we cannot tell whether it changed referrals or "
                       "what happened to children. It needs a baseline and a follow-up.",
    "sandwell-mcguire": "One named keyworker, independently evaluated with a comparison group: "
                        "re-referrals at 13% against 41%. Transfer depends on small caseloads, "
                        "which should be said plainly in the published text.",
    "sandwell-osei": "Exactly what the review is looking for on highly resistant families. "
                     "The multi-agency chronology kept by the keyworker is a detail other "
                     "areas will want.",
    "newcastle-kearney": "A well-designed supervision model with staff-reported benefits. "
                         "Evidence of outcomes for children is indirect (case audits, retention).",
    "newcastle-mcguire": "Promising: better-recorded decisions and lower turnover. I would like "
                         "to see whether plans changed for children before calling it validated.",
    "torbay-osei": "The answer to the screener's questions strengthens it: outcomes recorded "
                   "for every family on a national system, now with attendance figures. I "
                   "think this meets the bar for validation.",
    "torbay-kearney": "Good practice, but six months' follow-up, no comparison group and "
                      "results described as similar to the national picture: this is "
                      "emerging at best for evidence of outcomes.",
    "coventry-mcguire": "An evidence-based programme delivered with fidelity; the local "
                        "evidence is completion rates and parents' own measures so far.",
    "coventry-osei": "Draft: check the retention figures against the programme's norms.",
}

RATIONALES = {
    "Calderdale": "Both members found a clear rationale, an independent evaluation with a "
                  "comparison group showing fewer children placed with strangers and parents "
                  "staying longer in treatment, and a model other areas can adopt.",
    "Devon": "A well-documented multi-agency roll-out of a known tool, with evidence of earlier "
             "and better-founded action on neglect; transferable with the training described.",
    "Walsall": "The practice is easy to repeat, but the submission shows attendance and "
               "goodwill rather than any change for children or in the referrals made.",
    "Sandwell": "Strong evidence from an independent evaluation with a comparison group "
                "(re-referrals 13% against 41%), a clearly described model and honest costs.",
    "Newcastle upon Tyne": "Clear aims and a well-described model with improvements in recorded "
                           "decision-making and staff retention; outcomes for children are not "
                           "yet shown directly. Published as promising practice.",
}

WITHDRAWAL_REASON = ("Our chronology clinics are being reorganised in the new year's service "
                     "restructure. We would rather send the practice again in the summer with "
                     "this year's file audit figures.")

TORBAY_QUESTIONS = (
    "Thank you for a clear submission. Before it goes to the panel, could you tell us:\n\n"
    "1. Do you have school attendance figures for the children, before and after the "
    "project? 'Improved for most' is hard for the panel to weigh.\n\n"
    "2. Have you any follow-up beyond six months after families leave the project?")
TORBAY_ANSWER = (
    "1. Yes: the education welfare service gave us attendance for 52 of the 58 school-age "
    "children. I have added the figures to 'How you know it made a difference'.\n\n"
    "2. Not yet. We have agreed with the police and housing associations to check complaints "
    "at twelve months for every family from April.")
TORBAY_EVIDENCE = (
    "We record outcomes for every family on entry and exit using the national Family "
    "Intervention Project information system, which allows comparison with projects "
    "elsewhere; our results are similar to the national picture. Complaints data come from "
    "the police and housing associations.\n\n"
    "The education welfare service provided attendance for 52 of the 58 school-age children: "
    "average attendance rose from 71% in the term before the project to 88% in the term after "
    "it ended, and 34 children went from persistent absence to regular attendance.\n\n"
    "We have not measured outcomes beyond six months after exit, and there is no local "
    "comparison group.")

SOMERSET_QUESTIONS = (
    "Thank you for your submission. The panel will need more to go on:\n\n"
    "1. How many pre-birth assessments have started since the letters began, and in how many "
    "did the GP contribute (a report, or attending the conference)?\n\n"
    "2. What happened before: how often were GPs told?\n\n"
    "Please also check that the GP lead's name is needed in the text.")
