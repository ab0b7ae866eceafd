import * as tf from '@tensorflow/tfjs';

// As in the CLI (src/backend/select-backend.ts): production mode keeps
// tfjs's "install the node backend" banner out of the test output.
tf.enableProdMode();
